import type { Analyst, Designer, ObjectivesView, Proposal } from '../agents/index.js';
import type { CognitionItem, ProposedCognitionItem } from '../cognition/index.js';
import { isProposingAnalyst } from '../agents/index.js';
import {
  designWithNoveltyGate,
  noveltyCandidates,
  noveltyEvents,
  noveltyMetadata,
  type NoveltyGate,
} from '../agents/index.js';
import { messageOf } from '../errors.js';
import { BudgetReachedError, isFatal } from '../llm/index.js';
import type { Random } from '../random.js';
import type { SampleableNode, SamplingPolicy, Selection } from '../sampling/index.js';
import {
  dominatesOnObjectives,
  paretoRanks,
  type JsonObject,
  type NewNode,
  type NodeRecord,
  type ObjectiveSettings,
  type Provenance,
} from '../domain/index.js';
import { collectCalls, type LlmCallDraft } from './call-context.js';
import type { WarmSandbox } from '../evaluation/index.js';
import type { Engineer, Evaluated, ReproducedObjectives } from './engineer.js';
import { seedFailedError } from './seed-check.js';
import { prepareStepDir, stepDirFor } from './step-files.js';

/** What a round needs beyond its parts: the settings it reads, each already valid. */
export interface RoundSettings {
  task: string;
  /** Where step folders go (a round that designs nothing still gets one, for its node files). */
  stepsDir: string;
  /** Nodes sampled as context (`pipeline.sample_n`). */
  sampleN: number;
  diffMode: boolean;
  maxCodeLength: number;
  /** `pipeline.allow_failing_seed`: a failing seed is stored instead of stopping the run. */
  allowFailingSeed: boolean;
  /** The experiment's objectives; absent or null with one score. */
  objectives?: ObjectiveSettings | null;
}

/** The services a round is assembled from; the preset builds them once per run. */
export interface RoundParts {
  settings: RoundSettings;
  policy: SamplingPolicy;
  /** Null when retrieval is off or there is nothing to search. */
  retrieve: ((queries: string[]) => Promise<CognitionItem[]>) | null;
  designer: Designer;
  /** The novelty gate (pipeline.novelty), or null when it is off. */
  novelty: { gate: NoveltyGate; maxAttempts: number } | null;
  engineer: Engineer;
  /** The configured analyst, and the rule-based one used when it fails. */
  analyst: Analyst;
  fallbackAnalyst: Analyst;
}

/** The run's live state as a round sees it; the loop owns it. */
export interface RunState {
  /** The stored nodes, less evicted ones: what the novelty gate compares a proposal with. */
  population(): Iterable<SampleableNode>;
  /** The best stored score so far (a new best is re-evaluated when `reproduce` asks). */
  bestScore(): number | null;
  getNode(id: number): NodeRecord;
  /** Told which nodes a round sampled, as soon as it has (eviction spares them while it runs). */
  claim(step: number, ids: readonly number[]): void;
}

/** A finished round: the node to store and everything that goes with it. */
export interface RoundResult {
  node: NewNode;
  calls: LlmCallDraft[];
  visitedIds: number[];
  /** Set when the round could not design a candidate; the node records it as failed. */
  designError: unknown;
  /** Run events stored with the node (novelty rejections). */
  events: Array<{ type: string; message: string; data: JsonObject }>;
  /** Cognition items the Analyzer proposed from this round (growth). */
  proposedItems: ProposedCognitionItem[];
}

function sumUsage(calls: readonly LlmCallDraft[]): NewNode['usage'] {
  const add = (key: keyof NewNode['usage']): number | undefined => {
    let total: number | undefined;
    for (const call of calls) {
      const value = call.usage[key];
      if (value !== undefined) total = (total ?? 0) + value;
    }
    return total;
  };
  return {
    inputTokens: add('inputTokens'),
    cachedInputTokens: add('cachedInputTokens'),
    outputTokens: add('outputTokens'),
  };
}

/** What the LLM calls of a round cost, as stored on its node. */
function spendOf(calls: readonly LlmCallDraft[]): Pick<NewNode, 'usage' | 'costUsd'> {
  return { usage: sumUsage(calls), costUsd: calls.reduce((total, call) => total + call.costUsd, 0) };
}

/** The node fields that come from evaluating a candidate and analysing the outcome. */
function outcomeFields(evaluated: Evaluated, analysis: string) {
  return {
    program: evaluated.program,
    results: evaluated.results,
    analysis,
    score: evaluated.score,
    evalScore: evaluated.evalScore,
    success: evaluated.success,
    error: evaluated.error,
    runtimeMs: evaluated.runtimeMs,
  } satisfies Partial<NewNode>;
}

async function analyse(
  parts: RoundParts,
  base: {
    step: number;
    name: string;
    motivation: string;
    program: string;
    parent: NodeRecord | null;
    bestSampled: NodeRecord | null;
    objectives?: ObjectivesView;
  },
  evaluated: Evaluated,
  abortSignal?: AbortSignal,
): Promise<{ analysis: string; note: string | null; proposedItems: ProposedCognitionItem[] }> {
  const context = {
    task: parts.settings.task,
    ...base,
    success: evaluated.success,
    score: evaluated.score,
    results: evaluated.results,
    error: evaluated.error,
    logs: evaluated.logs,
    ...(abortSignal ? { abortSignal } : {}),
  };
  try {
    if (isProposingAnalyst(parts.analyst)) {
      const result = await parts.analyst.analyseWithProposals(context);
      return { analysis: result.analysis, note: null, proposedItems: result.proposedItems };
    }
    return { analysis: await parts.analyst.analyse(context), note: null, proposedItems: [] };
  } catch (error) {
    // The evaluation is already paid for (even when the budget is now reached): keep it with a
    // rule-based analysis rather than lose it.
    if (isFatal(error) && !BudgetReachedError.isInstance(error)) throw error;
    const analysis = await parts.fallbackAnalyst.analyse(context);
    return {
      analysis,
      note: `analyzer failed (${messageOf(error)}); rule-based analysis stored instead`,
      proposedItems: [],
    };
  }
}

/**
 * Evaluates the experiment's initial program as node 0: the run's pre-flight. A failing seed
 * throws SEED_FAILED before any LLM call (unless `allowFailingSeed`); a successful one is
 * evaluated twice by the engineer when new bests are reproduced (its `seedRepeat` metadata).
 */
export async function runSeedRound(
  parts: RoundParts,
  state: RunState,
  program: string,
  abortSignal?: AbortSignal,
): Promise<RoundResult> {
  const { value, calls } = await collectCalls(async () => {
    const motivation = 'The initial program of the experiment.';
    const evaluated = await parts.engineer.evaluate(
      { step: 0, program, name: 'seed', motivation, gate: false },
      { bestScore: state.bestScore(), abortSignal },
    );
    if (!evaluated.success && !abortSignal?.aborted && !parts.settings.allowFailingSeed) {
      throw seedFailedError(evaluated, {
        stepDir: stepDirFor(parts.settings.stepsDir, 0),
        sandbox: parts.engineer.settings.sandbox,
      });
    }
    const base = { step: 0, name: 'seed', motivation, program: evaluated.program, parent: null, bestSampled: null };
    const { analysis, note, proposedItems } = await analyse(parts, base, evaluated, abortSignal);
    return { evaluated, analysis, note, proposedItems };
  });
  const { evaluated, analysis, note } = value;
  return {
    node: {
      step: 0,
      name: 'seed',
      motivation: 'The initial program of the experiment.',
      ...outcomeFields(evaluated, analysis),
      parentIds: [],
      cognitionIds: [],
      provenance: 'unknown',
      island: null,
      operator: 'seed',
      metadata: { ...evaluated.metadata, ...(note ? { analyzerNote: note } : {}) },
      ...spendOf(calls),
    },
    calls,
    visitedIds: [],
    designError: null,
    events: [],
    proposedItems: value.proposedItems,
  };
}

/**
 * Where each node of the population stands on the objectives (docs/architecture.md, Several
 * objectives): what the Researcher and the Analyzer are shown. Undefined with one score.
 */
/**
 * The objectives and where the sampled nodes stand under them (every front member too), from the
 * policy's kept fronts when it keeps them, else by ranking the population once. The MCP server's
 * context tool reads standings the same way a round does.
 */
export function objectivesView(
  policy: SamplingPolicy,
  sampledIds: readonly number[],
  population: () => Iterable<SampleableNode>,
  settings: ObjectiveSettings | null | undefined,
): ObjectivesView | undefined {
  if (settings === null || settings === undefined) return undefined;
  // The pareto policy keeps the leading fronts up to date: the front and the sampled nodes'
  // standings come from it, not from ranking the whole population again each round.
  const kept = policy.standings?.(settings, sampledIds) ?? null;
  if (kept !== null) return { settings, standings: kept };
  return {
    settings,
    standings: new Map(paretoRanks([...population()], settings).map((member) => [member.id, member])),
  };
}

/**
 * What reproduction needs of the objectives: a candidate joins the front unless a member of it
 * dominates the candidate's values (bounds aside: re-running a candidate too many is only slower).
 */
function reproducedObjectives(view: ObjectivesView | undefined): ReproducedObjectives | undefined {
  if (view === undefined) return undefined;
  const front = [...view.standings.values()].filter((member) => member.rank === 0);
  const objectives = view.settings.objectives;
  return {
    settings: view.settings,
    joinsFront: (values) => !front.some((member) => dominatesOnObjectives(member.values, values, objectives)),
  };
}

function bestOf(nodes: readonly NodeRecord[]): NodeRecord | null {
  let best: NodeRecord | null = null;
  for (const node of nodes) {
    if (node.success && node.score !== null && (best === null || best.score === null || node.score > best.score))
      best = node;
  }
  return best;
}

/** What a round asks the cognition store: each context node's analysis, else its motivation; the task when none has text. */
export function retrievalQueries(context: readonly NodeRecord[], task: string): string[] {
  const queries = context
    .map((node) => (node.analysis.trim() ? node.analysis : node.motivation))
    .filter((query) => query.trim());
  return queries.length > 0 ? queries : [task];
}

/**
 * One round: sample → retrieve → design → evaluate → analyse. Storing is the caller's, in one
 * transaction. Expected failures (an unparseable answer, a failing candidate, an LLM out of
 * retries) become a failed node; only fatal errors throw.
 */
export async function runRound(
  parts: RoundParts,
  state: RunState,
  step: number,
  random: Random,
  abortSignal?: AbortSignal,
  warm: WarmSandbox | null = null,
): Promise<RoundResult> {
  // `warm`: the evaluation's sandbox, which the loop started before the candidate is designed
  // (docs/architecture.md, “A round's seam: the warm sandbox”); unused, it ends with the round.
  try {
    return await designAndEvaluate(parts, state, step, random, abortSignal, warm);
  } finally {
    void warm?.discard();
  }
}

async function designAndEvaluate(
  parts: RoundParts,
  state: RunState,
  step: number,
  random: Random,
  abortSignal: AbortSignal | undefined,
  warm: WarmSandbox | null,
): Promise<RoundResult> {
  const { settings } = parts;
  const selection: Selection = parts.policy.select({
    n: settings.sampleN,
    random: random.fork(`select:${step}`),
  });
  state.claim(
    step,
    selection.context.map((node) => node.id),
  );
  const context = selection.context.map((candidate) => state.getNode(candidate.id));
  const parent = selection.parent ? state.getNode(selection.parent.id) : null;
  const objectives = objectivesView(
    parts.policy,
    selection.context.map((node) => node.id),
    () => state.population(),
    settings.objectives,
  );

  const { value, calls } = await collectCalls(async () => {
    let cognition: CognitionItem[] = [];
    const notes: JsonObject = {};
    if (parts.retrieve) {
      try {
        cognition = await parts.retrieve(retrievalQueries(context, settings.task));
      } catch (error) {
        notes.retrievalError = messageOf(error);
      }
    }
    let proposal: Proposal;
    let events: RoundResult['events'] = [];
    try {
      const gated = await designWithNoveltyGate({
        designer: parts.designer,
        context: {
          task: settings.task,
          step,
          parent,
          context,
          cognition,
          diffMode: settings.diffMode,
          maxCodeLength: settings.maxCodeLength,
          random: random.fork(`design:${step}`),
          ...(abortSignal ? { abortSignal } : {}),
          ...(objectives ? { objectives } : {}),
        },
        gate: parts.novelty?.gate ?? null,
        existing: parts.novelty ? noveltyCandidates(state.population(), (id) => state.getNode(id)) : [],
        maxAttempts: parts.novelty?.maxAttempts ?? 0,
      });
      proposal = gated.proposal;
      if (parts.novelty) {
        notes.novelty = noveltyMetadata(gated);
        events = noveltyEvents(gated);
      }
    } catch (error) {
      if (isFatal(error) || abortSignal?.aborted) throw error;
      return { failedDesign: error, cognition, notes };
    }
    const candidate = {
      step,
      program: proposal.program,
      name: proposal.name,
      motivation: proposal.motivation,
      gate: true,
    };
    const evaluated = await parts.engineer.evaluate(candidate, {
      bestScore: state.bestScore(),
      objectives: reproducedObjectives(objectives),
      abortSignal,
      warm,
    });
    const base = {
      step,
      name: proposal.name,
      motivation: proposal.motivation,
      program: evaluated.program,
      parent,
      bestSampled: bestOf(context),
      ...(objectives ? { objectives } : {}),
    };
    const { analysis, note, proposedItems } = await analyse(parts, base, evaluated, abortSignal);
    if (note) notes.analyzerNote = note;
    return { proposal, evaluated, analysis, cognition, notes, events, proposedItems };
  });

  const shared = {
    step,
    parentIds: context.map((node) => node.id),
    cognitionIds: value.cognition.map((item) => item.id),
    island: selection.island,
    ...spendOf(calls),
  };
  if ('failedDesign' in value) {
    const message = messageOf(value.failedDesign);
    prepareStepDir(settings.stepsDir, step);
    return {
      node: {
        ...shared,
        name: 'design-failed',
        motivation: '',
        program: '',
        results: {},
        analysis: `No candidate was designed in this round: ${message}`,
        score: null,
        evalScore: null,
        success: false,
        error: `design: ${message}`,
        provenance: 'unknown' as Provenance,
        runtimeMs: 0,
        operator: parts.designer.name,
        metadata: value.notes,
      },
      calls,
      visitedIds: shared.parentIds,
      designError: value.failedDesign,
      events: [],
      proposedItems: [],
    };
  }
  const { proposal, evaluated, analysis, notes, events, proposedItems } = value;
  return {
    node: {
      ...shared,
      name: proposal.name,
      motivation: proposal.motivation,
      ...outcomeFields(evaluated, analysis),
      provenance: proposal.provenance,
      operator: proposal.operator,
      metadata: {
        ...evaluated.metadata,
        ...notes,
        ...(Object.keys(proposal.notes).length ? { design: proposal.notes } : {}),
      },
    },
    calls,
    visitedIds: shared.parentIds,
    designError: null,
    events,
    proposedItems,
  };
}
