import type { CognitionItem } from '../cognition/index.js';
import type { Random } from '../random.js';
import type { FrontMember, JsonObject, NodeRecord, ObjectiveSettings, Provenance } from '../domain/index.js';

/** Everything the designer of a round is given (the "learn" half of a round). */
export interface DesignContext {
  /** input.md */
  task: string;
  step: number;
  /** The node to edit (diff mode) or build on; null on the first round of an empty run. */
  parent: NodeRecord | null;
  /** Sampled context nodes, parent first. */
  context: NodeRecord[];
  cognition: CognitionItem[];
  diffMode: boolean;
  maxCodeLength: number;
  random: Random;
  abortSignal?: AbortSignal;
  /**
   * Why the previous proposal of this round was sent back (e.g. the novelty gate naming a
   * near-duplicate); the Researcher adds it to its prompt. Absent on a round's first design.
   */
  feedback?: string;
  /** The experiment's objectives and where each sampled node stands; absent with one score. */
  objectives?: ObjectivesView;
}

/**
 * Several objectives as an agent sees them (docs/architecture.md, Several objectives): the
 * configured objectives and the standing (rank, values, instances won) of the ranked nodes of
 * the population, by id. A node absent from `standings` failed or lacks an objective's value.
 */
export interface ObjectivesView {
  settings: ObjectiveSettings;
  standings: ReadonlyMap<number, FrontMember>;
}

/**
 * A multi-file experiment's project as the Researcher sees it (docs/architecture.md,
 * “Multi-file candidates”): which paths it may change or create, and the read-only rest.
 */
export interface ProjectView {
  /** The editable patterns, as shown to the model and named in refusals. */
  editable: readonly string[];
  /** Whether a new project-relative path lies under the editable patterns. */
  isEditable(path: string): boolean;
  /**
   * Why a new path cannot be written in the project (it passes through a symbolic link of the
   * project, or a file stands where it needs a folder), or null; absent, nothing is checked.
   */
  unwritable?(path: string): string | null;
  /** The outline of the read-only files (names and signatures), already within its budget. */
  outline: string;
  /** The seed's bundle: the files a round edits when it has no parent. */
  seedProgram: string;
}

/** A designed candidate. */
export interface Proposal {
  name: string;
  motivation: string;
  program: string;
  provenance: Provenance;
  /** `llm`, `llm:full-rewrite-fallback`, `builtin:perturb`, `builtin:crossover`… */
  operator: string;
  /** Notes on how it came to be: diff attempts and their errors, trimming, parse retries. */
  notes: JsonObject;
}

/** Writes the next candidate: the LLM Researcher or the built-in no-model operator. */
export interface Designer {
  readonly name: string;
  design(context: DesignContext): Promise<Proposal>;
}

/** What the analyser sees about the evaluated candidate. */
export interface AnalysisContext {
  task: string;
  step: number;
  name: string;
  motivation: string;
  program: string;
  success: boolean;
  score: number | null;
  results: JsonObject;
  /** Failure reason and message when the evaluation failed. */
  error: string | null;
  /** Evaluator output tails (stdout, stderr, log file), already trimmed. */
  logs: string;
  /** The best of the sampled nodes, for comparison. */
  bestSampled: NodeRecord | null;
  parent: NodeRecord | null;
  abortSignal?: AbortSignal;
  /** The experiment's objectives, the standings before this node was stored; absent with one score. */
  objectives?: ObjectivesView;
}

/** Writes the decision-oriented report stored on a node: LLM Analyzer, rule-based, or raw (ablation). */
export interface Analyst {
  readonly name: string;
  analyse(context: AnalysisContext): Promise<string>;
}

/** An LLM judge's verdict. */
export interface JudgeVerdict {
  /** 0–100 */
  score: number;
  reason: string;
}
