/**
 * How raw scores become comparable fitness values in [0, 1].
 * - `min-max`: (score − min) / (max − min); every score is 1 when all are equal.
 * - `sigmoid` (the paper's composite-fitness normalisation): z-score, then the logistic
 *   function 1 / (1 + e^−z). Values stay strictly inside (0, 1) with the mean at 0.5, so the
 *   best and worst are not pinned to 1 and 0 as with min-max; all scores map to 0.5 when equal.
 */
export type FitnessNormalisation = 'min-max' | 'sigmoid';

/** What a normaliser needs to know of a set of scores. */
export interface ScoreSummary {
  count: number;
  minimum: number;
  maximum: number;
  mean: number;
  /** Population variance. */
  variance: number;
}

/** The function mapping a score to its normalised fitness over the scores `summary` describes. */
export function normaliserOf(kind: FitnessNormalisation, summary: ScoreSummary): (score: number) => number {
  if (kind === 'min-max') {
    const low = summary.minimum;
    const range = summary.maximum - summary.minimum;
    if (summary.count === 0 || !(range > 0)) return () => 1;
    return (score) => (score - low) / range;
  }
  const centre = summary.mean;
  const deviation = summary.count > 0 ? Math.sqrt(Math.max(0, summary.variance)) : 0;
  if (!(deviation > 0)) return () => 0.5;
  return (score) => 1 / (1 + Math.exp(-(score - centre) / deviation));
}

/**
 * Mean and variance of a changing set of scores, by Welford's update (stable for large or similar
 * scores) and its inverse for removals. Minimum and maximum are not kept: after a removal they
 * need an ordered structure (see NodeSet).
 */
export class ScoreMoments {
  count = 0;
  mean = 0;
  #squares = 0;

  get variance(): number {
    return this.count > 0 ? Math.max(0, this.#squares / this.count) : 0;
  }

  add(score: number): void {
    this.count++;
    const delta = score - this.mean;
    this.mean += delta / this.count;
    this.#squares += delta * (score - this.mean);
  }

  remove(score: number): void {
    if (this.count <= 1) {
      this.count = 0;
      this.mean = 0;
      this.#squares = 0;
      return;
    }
    const delta = score - this.mean;
    this.count--;
    this.mean -= delta / this.count;
    this.#squares -= delta * (score - this.mean);
  }
}

/** Accumulates scores one at a time (no array), then yields their normaliser. */
export interface FitnessAccumulator {
  add(score: number): void;
  /** The function mapping a score to its normalised fitness over the scores added so far. */
  normaliser(): (score: number) => number;
}

/** A {@link FitnessAccumulator} for `kind`. */
export function createFitnessAccumulator(kind: FitnessNormalisation): FitnessAccumulator {
  const moments = new ScoreMoments();
  let minimum = Number.POSITIVE_INFINITY;
  let maximum = Number.NEGATIVE_INFINITY;
  return {
    add(score) {
      moments.add(score);
      if (score < minimum) minimum = score;
      if (score > maximum) maximum = score;
    },
    normaliser: () =>
      normaliserOf(kind, { count: moments.count, minimum, maximum, mean: moments.mean, variance: moments.variance }),
  };
}

/**
 * A function mapping a score to its normalised fitness, fitted on `scores` (one pass).
 * @example
 * const fitness = createNormaliser([1, 2, 3], 'min-max');
 * fitness(2); // 0.5
 */
export function createNormaliser(scores: Iterable<number>, kind: FitnessNormalisation): (score: number) => number {
  const accumulator = createFitnessAccumulator(kind);
  for (const score of scores) accumulator.add(score);
  return accumulator.normaliser();
}

/**
 * The paper's sigmoid normalisation: each score's z-score (population standard deviation)
 * passed through the logistic function. Equal scores all map to 0.5.
 * @example
 * sigmoidNormalise([0, 10]); // [0.2689…, 0.7310…]
 */
export function sigmoidNormalise(scores: readonly number[]): number[] {
  const fitness = createNormaliser(scores, 'sigmoid');
  return scores.map(fitness);
}

/** Min-max normalisation to [0, 1]; equal scores all map to 1. */
export function minMaxNormalise(scores: readonly number[]): number[] {
  const fitness = createNormaliser(scores, 'min-max');
  return scores.map(fitness);
}
