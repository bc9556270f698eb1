import { dirname } from 'node:path';
import { AsiEvolveError } from '../errors.js';
import {
  pathsHiddenBySandbox,
  planSandbox,
  relativeSpread,
  sandboxCapabilities,
  toleranceFromSpread,
  type ReproduceSettings,
  type SandboxSettings,
} from '../evaluation/index.js';
import type { JsonObject, JsonValue } from '../domain/index.js';

const stderrLines = 15;

/** The last `count` non-empty lines of a text. */
function lastLines(text: string, count: number): string[] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim().length > 0)
    .slice(-count);
}

/**
 * The pre-flight verdict on a failed seed: the run stops before any LLM call, saying why (the
 * evaluator's own reason), showing the end of its stderr and, when it ran under bubblewrap and
 * could not open a path that exists on this machine, that path and the key that shows it.
 */
export function seedFailedError(
  failure: { error: string | null; stderrTail: string },
  context: { stepDir: string; sandbox: SandboxSettings | undefined },
): AsiEvolveError {
  const lines = [
    `the seed (the experiment's initial program) failed its evaluation, so the run stops before any LLM call: ${failure.error ?? 'failed'}`,
  ];
  const tail = lastLines(failure.stderrTail, stderrLines);
  if (tail.length > 0)
    lines.push(`  evaluator stderr (last ${tail.length} lines):`, ...tail.map((line) => `    ${line}`));
  let hidden: string[] = [];
  try {
    hidden =
      planSandbox(context.sandbox, sandboxCapabilities()).mode === 'bubblewrap'
        ? pathsHiddenBySandbox(failure.stderrTail)
        : [];
  } catch {
    // The plan was checked when the run started; a failure to re-read it only loses the hint.
  }
  for (const path of hidden) {
    lines.push(
      `  ${path} exists on this machine but is outside the sandbox's view (bubblewrap): add ${JSON.stringify(dirname(path))} to evaluator.sandbox.read_paths to make it visible`,
    );
  }
  return new AsiEvolveError('SEED_FAILED', lines.join('\n'), {
    file: context.stepDir,
    ...(hidden.length > 0 ? { key: 'evaluator.sandbox.read_paths' } : {}),
    hint: `the step folder ${context.stepDir} keeps the evaluator's stdout.log and stderr.log. To run with a failing seed anyway, set pipeline.allow_failing_seed: true or pass --allow-failing-seed.`,
  });
}

/** What the seed's second evaluation showed, as stored in the seed's metadata (`seedRepeat`). */
export interface SeedRepeat {
  scores: [number, number | null];
  /** Relative spread of the two scores; null when the second run failed. */
  spread: number | null;
  /** Why the second run failed, or null. */
  error: string | null;
}

export function seedRepeatToJson(repeat: SeedRepeat): JsonObject {
  return { scores: repeat.scores, spread: repeat.spread, error: repeat.error };
}

function seedRepeatFromJson(value: JsonValue | undefined): SeedRepeat | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const scores = value.scores;
  if (!Array.isArray(scores) || typeof scores[0] !== 'number') return null;
  const second = typeof scores[1] === 'number' ? scores[1] : null;
  return {
    scores: [scores[0], second],
    spread: typeof value.spread === 'number' ? value.spread : null,
    error: typeof value.error === 'string' ? value.error : null,
  };
}

/** The seed's second evaluation, from the seed's scores (the second null with the reason when it failed). */
export function seedRepeat(first: number, second: { score: number } | { error: string }): SeedRepeat {
  if ('error' in second) return { scores: [first, null], spread: null, error: second.error };
  return { scores: [first, second.score], spread: relativeSpread(first, second.score), error: null };
}

function percent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(3))} %`;
}

/**
 * The reproduction settings for the rounds after the seed, and what to tell the user about the
 * evaluator: a stochastic one (the seed's two scores differ) gets a tolerance derived from the
 * spread unless one is configured; a configured tolerance below the spread is named.
 */
export function reproductionAfterSeed(
  settings: ReproduceSettings,
  seedMetadata: JsonObject,
): { settings: ReproduceSettings; notice: string | null } {
  const repeat = seedRepeatFromJson(seedMetadata.seedRepeat);
  if (repeat === null || settings.count === 0) return { settings, notice: null };
  const [first, second] = repeat.scores;
  if (repeat.error !== null) {
    return {
      settings,
      notice: `The seed scored ${first}, but its second evaluation failed (${repeat.error}): the evaluator may be flaky, and new bests may fail to reproduce.`,
    };
  }
  if (repeat.spread === null || repeat.spread === 0) return { settings, notice: null };
  const scored = `The evaluator is stochastic: the seed scored ${first} and then ${second} (a spread of ${percent(repeat.spread)})`;
  if (settings.toleranceFromSeed === true) {
    const tolerance = toleranceFromSpread(repeat.spread);
    return {
      settings: { ...settings, tolerance, toleranceFromSeed: false },
      notice: `${scored}; a new best must reproduce within ${percent(tolerance)} (ten times the spread; evaluator.reproduce.tolerance sets it).`,
    };
  }
  if (repeat.spread > settings.tolerance) {
    return {
      settings,
      notice: `${scored}, more than evaluator.reproduce.tolerance (${settings.tolerance}): most new bests will fail to reproduce. Unset the key to derive it from the spread, or raise it.`,
    };
  }
  return { settings, notice: `${scored}, within evaluator.reproduce.tolerance (${settings.tolerance}).` };
}
