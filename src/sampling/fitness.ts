/**
 * How raw scores become comparable fitness values in [0, 1].
 * - `min-max`: (score − min) / (max − min); every score is 1 when all are equal.
 * - `sigmoid` (the paper's composite-fitness normalisation): z-score, then the logistic
 *   function 1 / (1 + e^−z). Values stay strictly inside (0, 1) with the mean at 0.5, so the
 *   best and worst are not pinned to 1 and 0 as with min-max; all scores map to 0.5 when equal.
 */
export type FitnessNormalisation = 'min-max' | 'sigmoid';

/** Accumulates scores one at a time (no array), then yields their normaliser. */
export interface FitnessAccumulator {
  add(score: number): void;
  /** The function mapping a score to its normalised fitness over the scores added so far. */
  normaliser(): (score: number) => number;
}

/** A {@link FitnessAccumulator} for `kind`. */
export function createFitnessAccumulator(kind: FitnessNormalisation): FitnessAccumulator {
  let count = 0;
  let minimum = Number.POSITIVE_INFINITY;
  let maximum = Number.NEGATIVE_INFINITY;
  let mean = 0;
  let squares = 0;
  return {
    add(score) {
      count++;
      if (score < minimum) minimum = score;
      if (score > maximum) maximum = score;
      // Welford's update keeps the variance stable for large or similar scores.
      const delta = score - mean;
      mean += delta / count;
      squares += delta * (score - mean);
    },
    normaliser() {
      if (kind === 'min-max') {
        const low = minimum;
        const range = maximum - minimum;
        if (count === 0 || !(range > 0)) return () => 1;
        return (score) => (score - low) / range;
      }
      const centre = mean;
      const deviation = count > 0 ? Math.sqrt(squares / count) : 0;
      if (!(deviation > 0)) return () => 0.5;
      return (score) => 1 / (1 + Math.exp(-(score - centre) / deviation));
    },
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
