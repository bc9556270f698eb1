import type { Analyst, Designer, JudgeVerdict, Proposal } from '../agents/types.js';
import type { CognitionItem, ProposedCognitionItem } from '../cognition/index.js';
import type { Executor } from '../cluster/executor.js';
import type { Config, Experiment } from '../config/index.js';
import { AsiEvolveError } from '../errors.js';
import { isProposingAnalyst } from '../agents/index.js';
import { designWithNoveltyGate, noveltyCandidates, noveltyEvents, noveltyMetadata, type NoveltyGate } from '../agents/gates/index.js';
import type { EvaluationOutcome, ResourceLimits } from '../evaluation/outcome.js';
import type { Random } from '../random.js';
import type { SampleableNode, SamplingPolicy, Selection } from '../sampling/policy.js';
import type { JsonObject, NewNode, NodeRecord, Provenance } from '../store/types.js';
import { collectCalls, type LlmCallDraft } from './call-context.js';
import { prepareStepDir } from './step-files.js';

/** What a round reads and writes through; the loop builds it once per run. */
export interface RoundParts {
  config: Config;
  experiment: Experiment;
  executor: Executor;
  designer: Designer;
  /** The configured analyst, and the rule-based one used when it fails. */
  analyst: Analyst;
  fallbackAnalyst: Analyst;
  judge: { judge(input: { task: string; program: string; results: JsonObject; abortSignal?: AbortSignal }): Promise<JudgeVerdict> } | null;
  policy: SamplingPolicy;
  retrieve: ((queries: string[]) => Promise<CognitionItem[]>) | null;
  /** The nodes the policy may choose from (the store's view, less evicted ones). */
  population: () => readonly SampleableNode[];
  getNode: (id: number) => NodeRecord;
  evaluatorEnv: Record<string, string>;
  limits: ResourceLimits;
  /** The novelty gate (pipeline.novelty), or null when it is off. */
  novelty?: { gate: NoveltyGate; maxAttempts: number } | null;
  /** Stores the cognition items an Analyzer proposed (cognition growth), or null when off. */
  recordFound?: ((nodeId: number, step: number, proposals: readonly ProposedCognitionItem[]) => Promise<{ stored: unknown[]; skipped: unknown[] }>) | null;
  /** Told which nodes a round sampled, as soon as it has (eviction spares them while it runs). */
  claim?: (step: number, ids: readonly number[]) => void;
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
  return { inputTokens: add('inputTokens'), cachedInputTokens: add('cachedInputTokens'), outputTokens: add('outputTokens') };
}

function describeFailure(outcome: Extract<EvaluationOutcome, { status: 'failed' }>): string {
  return `${outcome.reason}: ${outcome.shortMessage}`;
}

function logsOf(outcome: EvaluationOutcome): string {
  const parts: string[] = [];
  if (outcome.logs.stdoutTail.trim()) parts.push(`--- stdout (tail) ---\n${outcome.logs.stdoutTail}`);
  if (outcome.logs.stderrTail.trim()) parts.push(`--- stderr (tail) ---\n${outcome.logs.stderrTail}`);
  return parts.join('\n');
}

/** Runs the evaluator on a program in a fresh step folder. */
export async function evaluateProgram(
  parts: RoundParts,
  step: number,
  program: string,
  abortSignal: AbortSignal | undefined,
): Promise<EvaluationOutcome> {
  const { config, experiment } = parts;
  const stepDir = prepareStepDir(experiment.stepsDir, step);
  const timeoutSeconds = config.evaluator.timeout ?? config.pipeline.engineer_timeout;
  const job = {
    stepDir,
    experimentDir: experiment.dir,
    command: experiment.evaluatorCommand,
    program,
    programFile: config.evaluator.program_file,
    timeoutMs: timeoutSeconds * 1000,
    killGraceMs: config.evaluator.kill_grace * 1000,
    maxOutputBytes: config.evaluator.max_output_bytes,
    limits: parts.limits,
    env: parts.evaluatorEnv,
  };
  let outcome = await parts.executor.run(job, abortSignal ? { abortSignal } : {});
  // A job lost by its executor (not the candidate's fault) is retried a bounded number of times.
  for (let retry = 0; outcome.status === 'failed' && outcome.reason === 'lost' && retry < config.pipeline.max_retries.engineer; retry++) {
    outcome = await parts.executor.run(job, abortSignal ? { abortSignal } : {});
  }
  return outcome;
}

interface Evaluated {
  success: boolean;
  evalScore: number | null;
  score: number | null;
  results: JsonObject;
  error: string | null;
  logs: string;
  runtimeMs: number;
  metadata: JsonObject;
}

async function evaluateAndJudge(parts: RoundParts, step: number, program: string, abortSignal?: AbortSignal): Promise<Evaluated> {
  const outcome = await evaluateProgram(parts, step, program, abortSignal);
  const metadata: JsonObject = {};
  if (outcome.status === 'failed') {
    return {
      success: false,
      evalScore: null,
      score: null,
      results: outcome.results ?? {},
      error: describeFailure(outcome),
      logs: logsOf(outcome),
      runtimeMs: outcome.durationMs,
      metadata: { failure: { reason: outcome.reason, exitCode: outcome.exitCode, signal: outcome.signal } },
    };
  }
  let score = outcome.evalScore;
  if (parts.judge && parts.config.pipeline.judge.enabled) {
    try {
      const verdict = await parts.judge.judge({ task: parts.experiment.task, program, results: outcome.results, ...(abortSignal ? { abortSignal } : {}) });
      const ratio = parts.config.pipeline.judge.ratio;
      score = (1 - ratio) * outcome.evalScore + ratio * verdict.score;
      metadata.judge = { score: verdict.score, reason: verdict.reason, ratio };
    } catch (error) {
      if (isFatal(error) && !isBudgetReached(error)) throw error;
      metadata.judge = { error: error instanceof Error ? error.message : String(error) };
    }
  }
  return {
    success: true,
    evalScore: outcome.evalScore,
    score,
    results: outcome.results,
    error: null,
    logs: logsOf(outcome),
    runtimeMs: outcome.durationMs,
    metadata,
  };
}

/** The spending limit was reached: no new round starts, rounds in flight finish without more calls. */
export function isBudgetReached(error: unknown): boolean {
  return AsiEvolveError.isInstance(error) && error.code === 'BUDGET_REACHED';
}

/** A permanent provider refusal (bad key, unknown model) stops the run instead of failing rounds. */
export function isFatal(error: unknown): boolean {
  if (!AsiEvolveError.isInstance(error)) return false;
  if (error.code === 'BUDGET_REACHED' || error.isUserError) return true;
  const retryable = (error as { isRetryable?: unknown }).isRetryable;
  return error.code === 'LLM_CALL_FAILED' && retryable === false;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function analyse(
  parts: RoundParts,
  base: { step: number; name: string; motivation: string; program: string; parent: NodeRecord | null; bestSampled: NodeRecord | null },
  evaluated: Evaluated,
  abortSignal?: AbortSignal,
): Promise<{ analysis: string; note: string | null; proposedItems: ProposedCognitionItem[] }> {
  const context = {
    task: parts.experiment.task,
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
    // A reached budget still keeps the evaluation already paid for, with a rule-based analysis.
    if (isFatal(error) && !isBudgetReached(error)) throw error;
    // The evaluation is already paid for: keep it with a rule-based analysis rather than lose it.
    const analysis = await parts.fallbackAnalyst.analyse(context);
    return { analysis, note: `analyzer failed (${messageOf(error)}); rule-based analysis stored instead`, proposedItems: [] };
  }
}

/** Evaluates the experiment's initial program as node 0. */
export async function runSeedRound(parts: RoundParts, program: string, abortSignal?: AbortSignal): Promise<RoundResult> {
  const { value, calls } = await collectCalls(async () => {
    const evaluated = await evaluateAndJudge(parts, 0, program, abortSignal);
    const base = { step: 0, name: 'seed', motivation: 'The initial program of the experiment.', program, parent: null, bestSampled: null };
    const { analysis, note, proposedItems } = await analyse(parts, base, evaluated, abortSignal);
    return { evaluated, analysis, note, proposedItems };
  });
  const { evaluated, analysis, note } = value;
  return {
    node: {
      step: 0,
      name: 'seed',
      motivation: 'The initial program of the experiment.',
      program,
      results: evaluated.results,
      analysis,
      score: evaluated.score,
      evalScore: evaluated.evalScore,
      success: evaluated.success,
      error: evaluated.error,
      parentIds: [],
      cognitionIds: [],
      provenance: 'unknown',
      runtimeMs: evaluated.runtimeMs,
      island: null,
      operator: 'seed',
      metadata: { ...evaluated.metadata, ...(note ? { analyzerNote: note } : {}) },
      usage: sumUsage(calls),
      costUsd: calls.reduce((total, call) => total + call.costUsd, 0),
    },
    calls,
    visitedIds: [],
    designError: null,
    events: [],
    proposedItems: value.proposedItems,
  };
}

function bestOf(nodes: readonly NodeRecord[]): NodeRecord | null {
  let best: NodeRecord | null = null;
  for (const node of nodes) {
    if (node.success && node.score !== null && (best === null || best.score === null || node.score > best.score)) best = node;
  }
  return best;
}

/**
 * One round: sample → retrieve → design → evaluate → analyse. Storing is the caller's, in one
 * transaction. Expected failures (an unparseable answer, a failing candidate, an LLM out of
 * retries) become a failed node; only fatal errors throw.
 */
export async function runRound(parts: RoundParts, step: number, random: Random, abortSignal?: AbortSignal): Promise<RoundResult> {
  const { config, experiment } = parts;
  const population = parts.population();
  const selection: Selection = parts.policy.select({
    nodes: population,
    n: config.pipeline.sample_n,
    random: random.fork(`select:${step}`),
  });
  parts.claim?.(step, selection.context.map((node) => node.id));
  const context = selection.context.map((candidate) => parts.getNode(candidate.id));
  const parent = selection.parent ? parts.getNode(selection.parent.id) : null;

  const { value, calls } = await collectCalls(async () => {
    let cognition: CognitionItem[] = [];
    const notes: JsonObject = {};
    if (parts.retrieve && config.cognition.retrieval.top_k > 0) {
      const queries = context.map((node) => (node.analysis.trim() ? node.analysis : node.motivation)).filter((query) => query.trim());
      if (queries.length === 0) queries.push(experiment.task);
      try {
        cognition = await parts.retrieve(queries);
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
          task: experiment.task,
          step,
          parent,
          context,
          cognition,
          diffMode: config.pipeline.researcher.diff_based_evolution,
          maxCodeLength: config.pipeline.researcher.max_code_length,
          random: random.fork(`design:${step}`),
          ...(abortSignal ? { abortSignal } : {}),
        },
        gate: parts.novelty?.gate ?? null,
        existing: parts.novelty ? noveltyCandidates(population, parts.getNode) : [],
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
    const evaluated = await evaluateAndJudge(parts, step, proposal.program, abortSignal);
    const base = { step, name: proposal.name, motivation: proposal.motivation, program: proposal.program, parent, bestSampled: bestOf(context) };
    const { analysis, note, proposedItems } = await analyse(parts, base, evaluated, abortSignal);
    if (note) notes.analyzerNote = note;
    return { proposal, evaluated, analysis, cognition, notes, events, proposedItems };
  });

  const shared = {
    step,
    parentIds: context.map((node) => node.id),
    cognitionIds: value.cognition.map((item) => item.id),
    island: selection.island,
    usage: sumUsage(calls),
    costUsd: calls.reduce((total, call) => total + call.costUsd, 0),
  };
  if ('failedDesign' in value) {
    const message = messageOf(value.failedDesign);
    prepareStepDir(experiment.stepsDir, step);
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
      program: proposal.program,
      results: evaluated.results,
      analysis,
      score: evaluated.score,
      evalScore: evaluated.evalScore,
      success: evaluated.success,
      error: evaluated.error,
      provenance: proposal.provenance,
      runtimeMs: evaluated.runtimeMs,
      operator: proposal.operator,
      metadata: { ...evaluated.metadata, ...notes, ...(Object.keys(proposal.notes).length ? { design: proposal.notes } : {}) },
    },
    calls,
    visitedIds: shared.parentIds,
    designError: null,
    events,
    proposedItems,
  };
}
