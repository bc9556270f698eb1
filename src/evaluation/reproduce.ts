import { rmSync } from 'node:fs';
import type { EvaluationOutcome } from './outcome.js';
import { removeTree } from './workspace.js';
import type { JsonObject } from '../domain/index.js';

/** `evaluator.reproduce`: how many extra runs a new best needs, and how close they must come. */
export interface ReproduceSettings {
  count: number;
  /** Relative: |a − b| ≤ tolerance · max(|a|, |b|). */
  tolerance: number;
  /** True when no tolerance was configured: the spread of the seed's two scores decides it. */
  toleranceFromSeed?: boolean;
}

/** One re-run of a new best. */
export interface ReproductionRun {
  attempt: number;
  /** Null when the re-run failed. */
  score: number | null;
  /** Why it does not count as a reproduction, or null when it does. */
  problem: string | null;
}

/** Whether a new best reproduced, with every re-run. */
export interface ReproductionReport {
  reproduced: boolean;
  score: number;
  tolerance: number;
  runs: ReproductionRun[];
  /** One line for people when it did not reproduce, e.g. for the node's error. */
  summary: string | null;
}

/**
 * True when two scores agree within a relative tolerance: |a − b| ≤ tolerance · max(|a|, |b|).
 * Equal scores always agree (zero included); non-finite ones never do.
 *
 * @example withinTolerance(2.635983, 2.6359831, 1e-6) // true
 */
export function withinTolerance(first: number, second: number, tolerance: number): boolean {
  if (!Number.isFinite(first) || !Number.isFinite(second)) return false;
  if (first === second) return true;
  return Math.abs(first - second) <= tolerance * Math.max(Math.abs(first), Math.abs(second));
}

/**
 * The folder of re-run `attempt` of a step: a sibling of the step folder, at the same depth, so
 * that an evaluator which finds the experiment from its working directory (the grandparent of
 * `steps/step_7`) finds it from `steps/step_7-reproduce-1` too. The original's files stay.
 */
export function reproductionFolder(stepDir: string, attempt: number): string {
  return `${stepDir}-reproduce-${attempt}`;
}

/**
 * {@link reproductionFolder} emptied first: an earlier run of the same step may have left files
 * there (a cached score) or a link leading elsewhere. It is removed without following links.
 */
export function freshReproductionFolder(stepDir: string, attempt: number): string {
  const folder = reproductionFolder(stepDir, attempt);
  // A candidate's scratch may hold folders without write permission: give them back first.
  removeTree(folder);
  rmSync(folder, { recursive: true, force: true });
  return folder;
}

/** The relative tolerance used when the seed's two scores agree and none is configured. */
export const exactTolerance = 1e-6;

/**
 * How far apart two evaluations of the same program scored, relative to the larger: 0 for a
 * deterministic evaluator.
 *
 * @example relativeSpread(0.5, 0.4) // 0.2
 */
export function relativeSpread(first: number, second: number): number {
  if (first === second) return 0;
  const scale = Math.max(Math.abs(first), Math.abs(second));
  return scale === 0 ? 0 : Math.abs(first - second) / scale;
}

/**
 * The reproduction tolerance that a stochastic evaluator leaves room for: ten times the spread
 * the seed's two runs showed (two samples estimate the noise poorly; a new best is also the lucky
 * end of it), never below {@link exactTolerance}.
 *
 * @example toleranceFromSpread(0) // 1e-6; toleranceFromSpread(0.01) // 0.1
 */
export function toleranceFromSpread(spread: number): number {
  return Math.max(exactTolerance, 10 * spread);
}

/**
 * Evaluates a new best `settings.count` more times (`evaluate(attempt)`, attempts from 1) and
 * checks that every run succeeds and scores within the tolerance of `score` (docs/architecture.md, “Running candidates safely”:
 * a flaky or gamed best must not become the best). It stops at the first run that does not
 * reproduce. With `count` 0 it runs nothing and reports reproduced.
 *
 * @example
 * const report = await reproduceScore(outcome.evalScore, config.evaluator.reproduce, (attempt) =>
 *   executor.run({ ...job, stepDir: reproductionFolder(job.stepDir, attempt) }));
 * if (!report.reproduced) { node.success = false; node.metadata.unreproducible = report; }
 */
export async function reproduceScore(
  score: number,
  settings: ReproduceSettings,
  evaluate: (attempt: number) => Promise<EvaluationOutcome>,
  /** What else a re-run's results must repeat (the objectives): null when they do, else what differs. */
  alsoAgrees: (results: JsonObject) => string | null = () => null,
): Promise<ReproductionReport> {
  const runs: ReproductionRun[] = [];
  for (let attempt = 1; attempt <= settings.count; attempt++) {
    const outcome = await evaluate(attempt);
    if (outcome.status === 'failed') {
      runs.push({
        attempt,
        score: null,
        problem: `re-run ${attempt} failed: ${outcome.reason}: ${outcome.shortMessage}`,
      });
      break;
    }
    const agrees = withinTolerance(score, outcome.evalScore, settings.tolerance);
    const differs = agrees ? alsoAgrees(outcome.results) : null;
    runs.push({
      attempt,
      score: outcome.evalScore,
      problem: !agrees
        ? `re-run ${attempt} scored ${outcome.evalScore}`
        : differs === null
          ? null
          : `re-run ${attempt}: ${differs}`,
    });
    if (differs !== null) break;
    if (!agrees) break;
  }
  const problem = runs.find((run) => run.problem !== null)?.problem ?? null;
  return {
    reproduced: problem === null,
    score,
    tolerance: settings.tolerance,
    runs,
    summary: problem === null ? null : `scored ${score}, but ${problem} (relative tolerance ${settings.tolerance})`,
  };
}
