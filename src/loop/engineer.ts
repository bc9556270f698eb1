import { combineJudgeScore, repairsToJson, runDebugAttempts, type DebugAgent, type StaticCheck } from '../agents/index.js';
import { AsiEvolveError } from '../errors.js';
import {
  reproduceScore,
  freshReproductionFolder,
  runSandboxed,
  runStages,
  type EvaluationJob,
  type EvaluationOutcome,
  type EvaluationStage,
  type ReproduceSettings,
  type SandboxSettings,
  type StagedOutcome,
} from '../evaluation/index.js';
import type { JsonObject } from '../domain/index.js';
import type { RoundParts } from './round.js';
import { prepareStepDir, stepDirFor } from './step-files.js';

/**
 * The engineer's parts beyond the executor (SYSTEM.md §5 steps 4–5, §8), built by the preset
 * from config. A round without them runs the experiment's command once, as a process group.
 */
export interface EngineerParts {
  sandbox: SandboxSettings;
  /** From `stagesFromConfig`: the configured stages, or one running the experiment's command. */
  stages: EvaluationStage[];
  staticCheck: StaticCheck | null;
  debugAgent: DebugAgent | null;
  debugAttempts: number;
  reproduce: ReproduceSettings;
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

/** Fatal for an optional agent (judge, debug, static check): a reached budget only ends its part. */
const fatalBeyondBudget = (error: unknown): boolean => isFatal(error) && !isBudgetReached(error);

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function evaluationJob(parts: RoundParts, stepDir: string, program: string, command: string): EvaluationJob {
  const { config, experiment } = parts;
  const timeoutSeconds = config.evaluator.timeout ?? config.pipeline.engineer_timeout;
  return {
    stepDir,
    experimentDir: experiment.dir,
    command,
    program,
    programFile: config.evaluator.program_file,
    timeoutMs: timeoutSeconds * 1000,
    killGraceMs: config.evaluator.kill_grace * 1000,
    maxOutputBytes: config.evaluator.max_output_bytes,
    limits: parts.limits,
    env: parts.evaluatorEnv,
    ...(parts.engineer ? { sandbox: parts.engineer.sandbox } : {}),
  };
}

/** Lost jobs (a node, job or worker gone) are resubmitted by the executor itself, `cluster.max_retries` times. */
function runOnExecutor(parts: RoundParts, job: EvaluationJob, abortSignal: AbortSignal | undefined): Promise<EvaluationOutcome> {
  return parts.executor.run(job, abortSignal ? { abortSignal } : {});
}

/**
 * Runs the evaluation stages on a program in a fresh step folder (or in `stepDir`, e.g. a
 * reproduction folder inside the step's).
 */
export async function evaluateProgram(
  parts: RoundParts,
  step: number,
  program: string,
  abortSignal: AbortSignal | undefined,
  options: { stepDir?: string } = {},
): Promise<StagedOutcome> {
  const stepDir = options.stepDir ?? prepareStepDir(parts.experiment.stepsDir, step);
  const job = evaluationJob(parts, stepDir, program, parts.experiment.evaluatorCommand);
  return runStages(job, parts.engineer?.stages ?? [], (each) => runOnExecutor(parts, each, abortSignal));
}

/** The user's static check command, in `steps/step_N/static-check`, judged by its exit code. */
export function runCheckCommand(parts: RoundParts, command: string, step: number, program: string, abortSignal?: AbortSignal): Promise<EvaluationOutcome> {
  const job = evaluationJob(parts, `${stepDirFor(parts.experiment.stepsDir, step)}/static-check`, program, command);
  return runSandboxed(job, { requireResults: false, ...(abortSignal ? { abortSignal } : {}) });
}

/** What the engineer gives the node. */
export interface Evaluated {
  success: boolean;
  evalScore: number | null;
  score: number | null;
  results: JsonObject;
  error: string | null;
  logs: string;
  /** The evaluator's stderr tail (also in `logs`), e.g. to say why the seed failed. */
  stderrTail: string;
  runtimeMs: number;
  metadata: JsonObject;
  /** The program the node stores: the candidate, or its last repair. */
  program: string;
}

function logsOf(outcome: EvaluationOutcome): string {
  const parts: string[] = [];
  if (outcome.logs.stdoutTail.trim()) parts.push(`--- stdout (tail) ---\n${outcome.logs.stdoutTail}`);
  if (outcome.logs.stderrTail.trim()) parts.push(`--- stderr (tail) ---\n${outcome.logs.stderrTail}`);
  return parts.join('\n');
}

/**
 * The engineer (SYSTEM.md §5 steps 4–5): static check → evaluation stages → debug attempts on
 * failure → judge → reproduction of a new best. Expected failures become a failed node.
 */
export async function evaluateAndJudge(
  parts: RoundParts,
  step: number,
  candidate: { program: string; name: string; motivation: string; gate: boolean },
  abortSignal?: AbortSignal,
): Promise<Evaluated> {
  const { config, experiment } = parts;
  const engineer = parts.engineer;
  const metadata: JsonObject = {};
  let program = candidate.program;

  if (candidate.gate && engineer?.staticCheck) {
    try {
      const verdict = await engineer.staticCheck.check({ task: experiment.task, step, name: candidate.name, motivation: candidate.motivation, program, ...(abortSignal ? { abortSignal } : {}) });
      if (verdict.status === 'reject') {
        prepareStepDir(experiment.stepsDir, step);
        const staticCheck = { by: verdict.by, reason: verdict.reason, notes: verdict.notes };
        return { success: false, evalScore: null, score: null, results: {}, error: `static-check: ${verdict.reason}`, logs: '', stderrTail: '', runtimeMs: 0, metadata: { staticCheck }, program };
      }
      if (verdict.notes.length > 0) metadata.staticCheck = { notes: verdict.notes };
    } catch (error) {
      if (fatalBeyondBudget(error) || abortSignal?.aborted) throw error;
      metadata.staticCheck = { error: messageOf(error) };
    }
  }

  let outcome = await evaluateProgram(parts, step, program, abortSignal);
  // The seed (step 0) is the user's program: its failure is the experiment's to fix, not the debug agent's.
  const isSeed = step === 0;
  if (outcome.status === 'failed' && !isSeed && engineer?.debugAgent && engineer.debugAttempts > 0) {
    const debugged = await runDebugAttempts({
      agent: engineer.debugAgent,
      attempts: engineer.debugAttempts,
      task: experiment.task,
      program,
      outcome,
      evaluate: (fixed) => evaluateProgram(parts, step, fixed, abortSignal),
      isFatal: fatalBeyondBudget,
      ...(abortSignal ? { abortSignal } : {}),
    });
    program = debugged.program;
    outcome = debugged.outcome;
    if (debugged.repairs.length > 0) metadata.repairs = repairsToJson(debugged.repairs);
  }
  if (outcome.status === 'failed') {
    return {
      success: false,
      evalScore: null,
      score: null,
      results: outcome.results ?? {},
      error: `${outcome.reason}: ${outcome.shortMessage}`,
      logs: logsOf(outcome),
      stderrTail: outcome.logs.stderrTail,
      runtimeMs: outcome.durationMs,
      metadata: { ...metadata, failure: { reason: outcome.reason, exitCode: outcome.exitCode, signal: outcome.signal } },
      program,
    };
  }

  let score = outcome.evalScore;
  if (parts.judge && config.pipeline.judge.enabled) {
    try {
      const verdict = await parts.judge.judge({ task: experiment.task, program, results: outcome.results, ...(abortSignal ? { abortSignal } : {}) });
      score = combineJudgeScore(outcome.evalScore, verdict.score, config.pipeline.judge);
      metadata.judge = { score: verdict.score, reason: verdict.reason, ratio: config.pipeline.judge.ratio, mode: config.pipeline.judge.mode };
    } catch (error) {
      if (fatalBeyondBudget(error)) throw error;
      metadata.judge = { error: messageOf(error) };
    }
  }

  const evaluated: Evaluated = {
    success: true,
    evalScore: outcome.evalScore,
    score,
    results: outcome.results,
    error: null,
    logs: logsOf(outcome),
    stderrTail: outcome.logs.stderrTail,
    runtimeMs: outcome.durationMs,
    metadata,
    program,
  };
  const best = parts.bestScore();
  // The seed is not reproduced: it is evaluated twice at the start instead (runSeedRound).
  if (engineer && !isSeed && engineer.reproduce.count > 0 && (best === null || score > best)) {
    const stepDir = stepDirFor(experiment.stepsDir, step);
    const report = await reproduceScore(outcome.evalScore, engineer.reproduce, (attempt) =>
      evaluateProgram(parts, step, program, abortSignal, { stepDir: freshReproductionFolder(stepDir, attempt) }),
    );
    const record = { reproduced: report.reproduced, tolerance: report.tolerance, runs: report.runs.map((run) => ({ ...run })) };
    if (!report.reproduced) {
      // Flagged, and never taken as best: the node fails with the reason.
      return { ...evaluated, success: false, score: null, error: `unreproducible: ${report.summary ?? ''}`, metadata: { ...metadata, unreproducible: record } };
    }
    metadata.reproduction = record;
  }
  return evaluated;
}
