import { join } from 'node:path';
import {
  combineJudgeScore,
  repairsToJson,
  runDebugAttempts,
  type DebugAgent,
  type Judge,
  type JudgeCombination,
  type StaticCheck,
} from '../agents/index.js';
import { trackActivity } from './activity.js';
import type { Executor } from '../cluster/index.js';
import { objectiveValues, summaryMetrics, type JsonObject, type ObjectiveSettings } from '../domain/index.js';
import {
  reproduceScore,
  freshReproductionFolder,
  removeTree,
  runSandboxed,
  runStages,
  type EvaluationJob,
  type EvaluationOutcome,
  type EvaluationStage,
  type ReproduceSettings,
  type StagedOutcome,
  type WarmSandbox,
  withinTolerance,
} from '../evaluation/index.js';
import { BudgetReachedError, isFatal } from '../llm/index.js';
import { messageOf } from '../errors.js';
import { seedRepeat, seedRepeatToJson } from './seed-check.js';
import { prepareStepDir, stepDirFor } from './step-files.js';

/**
 * Where and how a candidate runs: what every evaluation job of an experiment shares. The static
 * check's command runs on it too, before the engineer exists.
 */
export type EvaluationSite = Omit<EvaluationJob, 'stepDir' | 'command' | 'program'> & {
  executor: Executor;
  /** The experiment's `steps/` folder, where each evaluation gets its step folder. */
  stepsDir: string;
  evaluatorCommand: string;
};

/** What the engineer is built from (docs/architecture.md, one round's flow, steps 4–5). */
export interface EngineerSettings extends EvaluationSite {
  task: string;
  /** From `stagesFromConfig`: the configured stages; empty runs the experiment's command once. */
  stages: EvaluationStage[];
  staticCheck: StaticCheck | null;
  /** Repairs of a failed evaluation, or null when off. */
  debug: { agent: DebugAgent; attempts: number } | null;
  /** Null when the judge is off: the preset decides, the engineer only runs what it is given. */
  judge: { judge: Judge; combination: JudgeCombination } | null;
  /** Re-evaluations of a new best (`count` 0: off). */
  reproduce: ReproduceSettings;
}

/** A program to evaluate as the node of `step`. */
export interface Candidate {
  step: number;
  program: string;
  name: string;
  motivation: string;
  /** Whether the static check runs first (a designed candidate; not the seed). */
  gate: boolean;
}

export interface EvaluateOptions {
  /** The run's best score so far: a candidate above it is re-evaluated (`reproduce`). */
  bestScore: number | null;
  /**
   * With objectives: a candidate whose values would join the front is re-evaluated as a new best
   * is, and each re-run must repeat every objective within the tolerance, not `eval_score` alone.
   */
  objectives?: ReproducedObjectives | undefined;
  abortSignal?: AbortSignal | undefined;
  /** From {@link Engineer.warm} for this step: the first evaluation starts in it when it fits. */
  warm?: WarmSandbox | null | undefined;
}

/** The objectives a reproduction checks, and whether a candidate's values would join the front. */
export interface ReproducedObjectives {
  settings: ObjectiveSettings;
  joinsFront(values: Readonly<Record<string, number>>): boolean;
}

/** The candidate's objective values as its summary will hold them (per-instance scores flattened); null when one is missing. */
function valuesOf(results: JsonObject, settings: ObjectiveSettings): Record<string, number> | null {
  const flatten = settings.instances === undefined ? [] : [settings.instances];
  return objectiveValues({ metrics: summaryMetrics(results, flatten) }, settings);
}

/** What differs between a re-run's objective values and the first run's, or null when each is within the tolerance. */
function objectivesDiffer(
  first: Readonly<Record<string, number>>,
  results: JsonObject,
  settings: ObjectiveSettings,
  tolerance: number,
): string | null {
  const again = valuesOf(results, settings);
  for (const { name } of settings.objectives) {
    const value = again?.[name];
    if (value === undefined) return `objective ${name} is missing`;
    if (!withinTolerance(first[name] as number, value, tolerance))
      return `objective ${name} was ${first[name]}, now ${value}`;
  }
  return null;
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

/**
 * Static check → evaluation stages → debug attempts on failure → judge → reproduction of a new
 * best (the seed, step 0: no repairs, and a second evaluation instead of reproduction). Expected
 * failures become a failed `Evaluated`; only fatal errors and aborts throw.
 */
export interface Engineer {
  readonly settings: EngineerSettings;
  /**
   * Empties `steps/step_N` and starts the sandbox of its first evaluation now, while the
   * candidate is being designed (docs/architecture.md, “A round's seam: the warm sandbox”); null
   * where the executor cannot (not local, sandbox mode `none`). Pass it to evaluate(); the
   * caller discards it when the round evaluates nothing.
   */
  warm?(step: number): WarmSandbox | null;
  evaluate(candidate: Candidate, options: EvaluateOptions): Promise<Evaluated>;
}

/** Fatal for an optional agent (judge, debug, static check): a reached budget only ends its part. */
const fatalBeyondBudget = (error: unknown): boolean => isFatal(error) && !BudgetReachedError.isInstance(error);

function evaluationJob(site: EvaluationSite, stepDir: string, program: string, command: string): EvaluationJob {
  return { ...jobShape(site, stepDir, command), program };
}

/** An evaluation job but its program: all that a warm sandbox is started from. */
function jobShape(site: EvaluationSite, stepDir: string, command: string): Omit<EvaluationJob, 'program'> {
  return {
    stepDir,
    experimentDir: site.experimentDir,
    command,
    programFile: site.programFile,
    timeoutMs: site.timeoutMs,
    killGraceMs: site.killGraceMs,
    maxOutputBytes: site.maxOutputBytes,
    limits: site.limits,
    env: site.env,
    ...(site.sandbox ? { sandbox: site.sandbox } : {}),
    ...(site.projectDir === undefined ? {} : { projectDir: site.projectDir }),
  };
}

/** Where the static check command runs, inside the step folder. */
const staticCheckFolder = 'static-check';

/** The user's static check command, in `steps/step_N/static-check`, judged by its exit code. */
export function runCheckCommand(
  site: EvaluationSite,
  command: string,
  step: number,
  program: string,
  abortSignal?: AbortSignal,
): Promise<EvaluationOutcome> {
  const job = evaluationJob(site, join(stepDirFor(site.stepsDir, step), staticCheckFolder), program, command);
  return runSandboxed(job, { requireResults: false, ...(abortSignal ? { abortSignal } : {}) });
}

function logsOf(outcome: EvaluationOutcome): string {
  const parts: string[] = [];
  if (outcome.logs.stdoutTail.trim()) parts.push(`--- stdout (tail) ---\n${outcome.logs.stdoutTail}`);
  if (outcome.logs.stderrTail.trim()) parts.push(`--- stderr (tail) ---\n${outcome.logs.stderrTail}`);
  return parts.join('\n');
}

/**
 * Builds the engineer from its settings; the preset picks them from config, tests directly.
 * @example
 * const engineer = createEngineer({ ...site, task, stages: [], staticCheck: null, debug: null, judge: null, reproduce: { count: 0, tolerance: 0 } });
 * const evaluated = await engineer.evaluate({ step: 1, program, name: 'try', motivation: '', gate: true }, { bestScore: null });
 */
export function createEngineer(settings: EngineerSettings): Engineer {
  /**
   * Runs the stages on a program in a fresh step folder (or in `stepDir`, e.g. a reproduction
   * folder inside the step's). Lost jobs are resubmitted by the executor itself.
   */
  const evaluateProgram = (
    step: number,
    program: string,
    abortSignal: AbortSignal | undefined,
    stepDir?: string,
    warm?: WarmSandbox | null,
  ): Promise<StagedOutcome> => {
    const folder = stepDir ?? (warm ? warmedStepDir(step) : prepareStepDir(settings.stepsDir, step));
    const job = evaluationJob(settings, folder, program, settings.evaluatorCommand);
    // The warm sandbox was started for the first stage's job: only the first run may use it.
    let unused = warm ?? undefined;
    return trackActivity('evaluation', stepDir === undefined ? 'evaluation' : 're-evaluation', () =>
      runStages(job, settings.stages, (each) => {
        const offered = unused;
        unused = undefined;
        return settings.executor.run(each, {
          ...(abortSignal ? { abortSignal } : {}),
          ...(offered ? { warm: offered } : {}),
        });
      }),
    );
  };

  /**
   * The step folder of a warm sandbox, emptied when it was started: only the static check's
   * folder can have come since (emptying it all again would only remove and remake `tmp/`).
   */
  const warmedStepDir = (step: number): string => {
    const folder = stepDirFor(settings.stepsDir, step);
    removeTree(join(folder, staticCheckFolder));
    return folder;
  };

  const warm = (step: number): WarmSandbox | null => {
    const executor = settings.executor;
    if (executor.warm === undefined) return null;
    let folder: string;
    try {
      folder = prepareStepDir(settings.stepsDir, step);
    } catch {
      // The evaluation prepares the folder again and reports what is wrong.
      return null;
    }
    const first = settings.stages[0];
    const shape = jobShape(settings, folder, first?.command ?? settings.evaluatorCommand);
    try {
      return executor.warm(first === undefined ? shape : { ...shape, timeoutMs: first.timeoutMs });
    } catch {
      // Only an optimisation (the loop also asks from a promise callback): the evaluation starts cold.
      return null;
    }
  };

  const evaluate = async (candidate: Candidate, options: EvaluateOptions): Promise<Evaluated> => {
    const { step } = candidate;
    const abortSignal = options.abortSignal;
    const metadata: JsonObject = {};
    let program = candidate.program;

    if (candidate.gate && settings.staticCheck) {
      try {
        const verdict = await settings.staticCheck.check({
          task: settings.task,
          step,
          name: candidate.name,
          motivation: candidate.motivation,
          program,
          ...(abortSignal ? { abortSignal } : {}),
        });
        if (verdict.status === 'reject') {
          prepareStepDir(settings.stepsDir, step);
          const staticCheck = { by: verdict.by, reason: verdict.reason, notes: verdict.notes };
          return {
            success: false,
            evalScore: null,
            score: null,
            results: {},
            error: `static-check: ${verdict.reason}`,
            logs: '',
            stderrTail: '',
            runtimeMs: 0,
            metadata: { staticCheck },
            program,
          };
        }
        if (verdict.notes.length > 0) metadata.staticCheck = { notes: verdict.notes };
      } catch (error) {
        if (fatalBeyondBudget(error) || abortSignal?.aborted) throw error;
        metadata.staticCheck = { error: messageOf(error) };
      }
    }

    let outcome = await evaluateProgram(step, program, abortSignal, undefined, options.warm);
    // The seed (step 0) is the user's program: its failure is the experiment's to fix, not the debug agent's.
    const isSeed = step === 0;
    if (outcome.status === 'failed' && !isSeed && settings.debug && settings.debug.attempts > 0) {
      const debugged = await runDebugAttempts({
        agent: settings.debug.agent,
        attempts: settings.debug.attempts,
        task: settings.task,
        program,
        outcome,
        evaluate: (fixed) => evaluateProgram(step, fixed, abortSignal),
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
        metadata: {
          ...metadata,
          failure: { reason: outcome.reason, exitCode: outcome.exitCode, signal: outcome.signal },
        },
        program,
      };
    }

    let score = outcome.evalScore;
    if (settings.judge) {
      const { judge, combination } = settings.judge;
      try {
        const verdict = await judge.judge({
          task: settings.task,
          program,
          results: outcome.results,
          ...(abortSignal ? { abortSignal } : {}),
        });
        score = combineJudgeScore(outcome.evalScore, verdict.score, combination);
        metadata.judge = {
          score: verdict.score,
          reason: verdict.reason,
          ratio: combination.ratio,
          mode: combination.mode,
        };
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
    if (isSeed) {
      // The seed is not reproduced but evaluated twice, beside its step folder, when new bests are
      // reproduced: the run learns whether the evaluator is stochastic.
      if (settings.reproduce.count > 0 && !abortSignal?.aborted) {
        const again = await evaluateProgram(
          step,
          program,
          abortSignal,
          freshReproductionFolder(stepDirFor(settings.stepsDir, step), 1),
        );
        const second =
          again.status === 'ok' ? { score: again.evalScore } : { error: `${again.reason}: ${again.shortMessage}` };
        metadata.seedRepeat = seedRepeatToJson(seedRepeat(outcome.evalScore, second));
      }
      return evaluated;
    }
    const best = options.bestScore;
    const objectives = options.objectives;
    const values = objectives === undefined ? null : valuesOf(outcome.results, objectives.settings);
    const joinsFront = objectives !== undefined && values !== null && objectives.joinsFront(values);
    if (settings.reproduce.count > 0 && (best === null || score > best || joinsFront)) {
      const stepDir = stepDirFor(settings.stepsDir, step);
      const report = await reproduceScore(
        outcome.evalScore,
        settings.reproduce,
        (attempt) => evaluateProgram(step, program, abortSignal, freshReproductionFolder(stepDir, attempt)),
        (results) =>
          objectives === undefined || values === null
            ? null
            : objectivesDiffer(values, results, objectives.settings, settings.reproduce.tolerance),
      );
      const record = {
        reproduced: report.reproduced,
        tolerance: report.tolerance,
        runs: report.runs.map((run) => ({ ...run })),
      };
      if (!report.reproduced) {
        // Flagged, and never taken as best: the node fails with the reason.
        return {
          ...evaluated,
          success: false,
          score: null,
          error: `unreproducible: ${report.summary ?? ''}`,
          metadata: { ...metadata, unreproducible: record },
        };
      }
      metadata.reproduction = record;
    }
    return evaluated;
  };

  return { settings, warm, evaluate };
}
