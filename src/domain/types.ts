/** JSON-compatible values, for fields stored as JSON text. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Where a design came from, as the Researcher states it (paper's provenance split). */
export type Provenance = 'cognition' | 'experience' | 'novel' | 'unknown';

/** Token usage of one or many LLM calls; an unknown count is undefined, not zero. */
export interface TokenUsage {
  inputTokens: number | undefined;
  cachedInputTokens: number | undefined;
  outputTokens: number | undefined;
}

/**
 * One node of the experiment database: one round's candidate with everything it used and produced.
 * Node 0 is the seed program when the experiment has one.
 */
export interface NodeRecord {
  id: number;
  /** Round that produced it (0 for the seed). */
  step: number;
  name: string;
  motivation: string;
  program: string;
  /** The full results.json of the evaluation, plus metrics the tool added. */
  results: JsonObject;
  analysis: string;
  /** Final score used for selection (after the judge blend); null when the node failed. */
  score: number | null;
  /** The evaluator's primary score (`eval_score`); null when it produced none. */
  evalScore: number | null;
  success: boolean;
  /** Why the node failed (reason and short message), null on success. */
  error: string | null;
  /** Sampled node ids; in diff mode the first is the parent that was edited. */
  parentIds: number[];
  /** Cognition items shown to the Researcher for this node. */
  cognitionIds: string[];
  provenance: Provenance;
  visitCount: number;
  runtimeMs: number;
  island: number | null;
  /** Which operator designed it (`llm`, `builtin:perturb`, `builtin:crossover`, `seed`…). */
  operator: string;
  /** Anything else worth keeping: judge score, trim notes, diff attempts… */
  metadata: JsonObject;
  /** Total usage and cost of the LLM calls made for this node. */
  usage: TokenUsage;
  costUsd: number;
  createdAt: string;
}

/**
 * A node as written by a round; the store assigns `visitCount`, `createdAt` and, unless given,
 * `id`. The loop gives `id = step`, so a round can never be stored twice.
 */
export type NewNode = Omit<NodeRecord, 'id' | 'visitCount' | 'createdAt'> & {
  id?: number;
  /**
   * Results keys whose objects of numbers the summary's `metrics` keeps as `<key>.<name>`
   * (per-instance scores; domain/objectives.ts). Not stored itself.
   */
  flattenMetrics?: readonly string[];
};

/**
 * A stored node without its long texts (motivation, program, results, analysis, metadata): what
 * start-up, sampling and overviews read of every node. Open one node for the rest.
 */
export type NodeSummary = Omit<NodeRecord, 'motivation' | 'program' | 'results' | 'analysis' | 'metadata'> & {
  /** Length of the program in UTF-16 code units (JavaScript's `string.length`). */
  programLength: number;
  /** The numeric entries of `results`. */
  metrics: Readonly<Record<string, number>>;
};

/** One LLM call, as kept in the store and beside the step. */
export interface LlmCallRecord {
  /** Node the call was made for (null for calls outside a round). */
  nodeId: number | null;
  step: number | null;
  role: string;
  provider: string;
  modelId: string;
  /** The system prompt and messages, as sent. */
  request: JsonObject;
  responseText: string;
  usage: TokenUsage;
  costUsd: number;
  durationMs: number;
  /** null on success, else the error message. */
  error: string | null;
  attempt: number;
  createdAt: string;
}

/** Something that happened during a run, kept for `status` and the dashboard. */
export interface RunEvent {
  id: number;
  type: string;
  step: number | null;
  message: string;
  data: JsonObject;
  createdAt: string;
}

/** One piece of human (or run-found) knowledge the Researcher can be shown. */
export interface CognitionItem {
  id: string;
  title: string;
  content: string;
  /** Where it came from: a paper, a file, or `run:<node id>` when the run found it. */
  source: string;
  tags: string[];
  metadata: JsonObject;
}

/** An item with its retrieval score. */
export interface ScoredCognitionItem {
  item: CognitionItem;
  score: number;
}

/** What a policy sees of a node: enough to choose, nothing it could change. */
export interface SampleableNode {
  readonly id: number;
  readonly step: number;
  readonly score: number | null;
  readonly success: boolean;
  readonly visitCount: number;
  readonly island: number | null;
  /** Length of the program in characters (the built-in `complexity` feature). */
  readonly programLength: number;
  /** Numeric results, for feature dimensions read from results. */
  readonly metrics: Readonly<Record<string, number>>;
}
