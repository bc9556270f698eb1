import type { JsonObject } from '../domain/index.js';
import type { EvaluationJob, EvaluationLogs, EvaluationOutcome, FailureReason } from './outcome.js';
import { runSandboxed } from './sandbox.js';

/** One evaluation stage: a command with its own time limit, and a score below which later stages are skipped. */
export interface EvaluationStage {
  name: string;
  command: string;
  timeoutMs: number;
  /** Null: the stage never stops the later ones (only a failure does). */
  threshold: number | null;
}

/** `passed`; `below-threshold` (it ran, scored under its threshold); `failed`; `skipped` (an earlier stage stopped). */
export type StageStatus = 'passed' | 'below-threshold' | 'failed' | 'skipped';

/** What one stage gave. */
export interface StageResult {
  name: string;
  status: StageStatus;
  evalScore: number | null;
  threshold: number | null;
  results: JsonObject | null;
  reason: FailureReason | null;
  message: string | null;
  durationMs: number;
}

/** The combined outcome of all stages, with each stage's result. */
export type StagedOutcome = EvaluationOutcome & { stages: StageResult[] };

/** Runs one job; the local executor's `run`, or {@link runSandboxed}. */
export type RunJob = (job: EvaluationJob) => Promise<EvaluationOutcome>;

/** The field of the results that holds every stage's summary when there is more than one stage. */
export const stagesResultsKey = 'evaluation_stages';

function stageOf(stage: EvaluationStage, outcome: EvaluationOutcome): StageResult {
  const base = { name: stage.name, threshold: stage.threshold, durationMs: outcome.durationMs };
  if (outcome.status === 'failed') {
    return {
      ...base,
      status: 'failed',
      evalScore: null,
      results: outcome.results,
      reason: outcome.reason,
      message: outcome.shortMessage,
    };
  }
  const below = stage.threshold !== null && outcome.evalScore < stage.threshold;
  return {
    ...base,
    status: below ? 'below-threshold' : 'passed',
    evalScore: outcome.evalScore,
    results: outcome.results,
    reason: below ? 'below-threshold' : null,
    message: below ? `scored ${outcome.evalScore}, below the threshold ${stage.threshold}` : null,
  };
}

function skipped(stage: EvaluationStage): StageResult {
  return {
    name: stage.name,
    status: 'skipped',
    evalScore: null,
    threshold: stage.threshold,
    results: null,
    reason: null,
    message: null,
    durationMs: 0,
  };
}

/** Every stage's summary, as stored in the node's results (and so shown to the Analyzer). */
export function summariseStages(stages: readonly StageResult[]): JsonObject {
  const summary: JsonObject = {};
  for (const stage of stages) {
    summary[stage.name] = {
      status: stage.status,
      eval_score: stage.evalScore,
      threshold: stage.threshold,
      duration_ms: stage.durationMs,
      ...(stage.message === null ? {} : { message: stage.message }),
      ...(stage.results === null ? {} : { results: stage.results }),
    };
  }
  return summary;
}

function combineLogs(parts: ReadonlyArray<{ name: string; logs: EvaluationLogs }>): EvaluationLogs {
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only !== undefined) return only.logs;
  const join = (pick: (logs: EvaluationLogs) => string): string =>
    parts
      .filter((part) => pick(part.logs).length > 0)
      .map((part) => `=== stage ${part.name} ===\n${pick(part.logs)}`)
      .join('\n');
  const logs: EvaluationLogs = {
    stdoutTail: join((logs) => logs.stdoutTail),
    stderrTail: join((logs) => logs.stderrTail),
    truncated: parts.some((part) => part.logs.truncated),
  };
  const logFile = join((logs) => logs.logFileTail ?? '');
  if (logFile.length > 0) logs.logFileTail = logFile;
  return logs;
}

/**
 * Runs the stages in order in the job's step folder (each with its own command and time limit)
 * and returns one outcome (docs/architecture.md, “Running candidates safely”):
 *
 * - a stage that fails ends the evaluation as failed, with that stage's reason and its message
 *   prefixed by `stage "<name>": `; later stages are `skipped`;
 * - a stage whose score is below its threshold ends it as failed with reason `below-threshold`
 *   (the candidate is rejected early, its results kept); later stages are `skipped`;
 * - otherwise the outcome is the last stage's: its results and score.
 *
 * With more than one stage, the results also hold every stage's summary under
 * `evaluation_stages` (stored on the node and shown to the Analyzer), and the logs are each
 * stage's tails under a `=== stage <name> ===` header. With one stage the outcome is that run's.
 *
 * @example
 * const outcome = await runStages(job, stagesFromConfig(config.evaluator, experiment.evaluatorCommand, timeoutMs), executor.run);
 * node.metadata.stages = summariseStages(outcome.stages);
 */
export async function runStages(
  job: EvaluationJob,
  stages: readonly EvaluationStage[],
  run: RunJob = (each) => runSandboxed(each),
): Promise<StagedOutcome> {
  if (stages.length === 0) {
    const outcome = await run(job);
    return { ...outcome, stages: [] };
  }
  const results: StageResult[] = [];
  const logs: Array<{ name: string; logs: EvaluationLogs }> = [];
  let durationMs = 0;
  let last: EvaluationOutcome | undefined;
  for (const stage of stages) {
    const outcome = await run({ ...job, command: stage.command, timeoutMs: stage.timeoutMs });
    const result = stageOf(stage, outcome);
    results.push(result);
    logs.push({ name: stage.name, logs: outcome.logs });
    durationMs += outcome.durationMs;
    last = outcome;
    if (result.status !== 'passed') break;
  }
  for (const stage of stages.slice(results.length)) results.push(skipped(stage));

  const final = last as EvaluationOutcome;
  const stopped = results.find((result) => result.status === 'failed' || result.status === 'below-threshold');
  const several = stages.length > 1;
  const withSummary = (fields: JsonObject | null): JsonObject | null =>
    several ? { ...(fields ?? {}), [stagesResultsKey]: summariseStages(results) } : fields;
  const combinedLogs = combineLogs(logs);

  if (stopped === undefined && final.status === 'ok') {
    return { ...final, results: withSummary(final.results) ?? {}, durationMs, logs: combinedLogs, stages: results };
  }
  const stage = stopped ?? (results[results.length - 1] as StageResult);
  const prefix = several || stage.name !== 'evaluate' ? `stage "${stage.name}": ` : '';
  return {
    status: 'failed',
    reason: stage.reason ?? 'bad-results',
    shortMessage: `${prefix}${stage.message ?? 'failed'}${stage.status === 'below-threshold' && several ? '; later stages skipped' : ''}`,
    exitCode: final.status === 'failed' ? final.exitCode : 0,
    signal: final.status === 'failed' ? final.signal : null,
    results: withSummary(stage.results),
    durationMs,
    logs: combinedLogs,
    stages: results,
  };
}
