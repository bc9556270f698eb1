// Online bin packing: the instance generator and the packing rules, shared by the evaluator
// (baselines and the check of a candidate's packing) and by the child that runs the candidate.

export const CAPACITY = 100;

/** A seeded 32-bit generator (xorshift, its state first mixed from the seed); returns floats in [0, 1). */
export function createGenerator(seed) {
  let state = (Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ 0xc2b2ae35) >>> 0;
  if (state === 0) state = 0x6d2b79f5;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
}

/**
 * `count` item sizes drawn from a Weibull distribution (shape 3, scale 45) by its inverse CDF,
 * rounded and clipped to [1, capacity]: the "Weibull 5k" benchmark of FunSearch.
 */
export function weibullItems(count, seed, capacity = CAPACITY) {
  const next = createGenerator(seed);
  const items = new Array(count);
  for (let index = 0; index < count; index += 1) {
    const size = Math.round(45 * (-Math.log(1 - next())) ** (1 / 3));
    items[index] = Math.min(capacity, Math.max(1, size));
  }
  return items;
}

/** The L1 lower bound on the number of bins: ceil(total size / capacity). */
export function lowerBound(items, capacity = CAPACITY) {
  return Math.ceil(items.reduce((total, size) => total + size, 0) / capacity);
}

/**
 * Packs `items` online. For each item, `choose(item, capacities)` receives the remaining
 * capacities of the open bins that can hold it (in the order the bins were opened) and returns
 * the position of the chosen one in that list; a new bin is opened when none fits.
 * Returns the bin index of every item.
 */
export function packOnline(items, choose, capacity = CAPACITY) {
  const remaining = [];
  const assignment = new Array(items.length);
  for (let itemIndex = 0; itemIndex < items.length; itemIndex += 1) {
    const item = items[itemIndex];
    const capacities = [];
    const binIndices = [];
    for (let bin = 0; bin < remaining.length; bin += 1) {
      if (remaining[bin] >= item) {
        capacities.push(remaining[bin]);
        binIndices.push(bin);
      }
    }
    let bin;
    if (capacities.length === 0) {
      bin = remaining.length;
      remaining.push(capacity);
    } else {
      bin = binIndices[choose(item, capacities, itemIndex)];
    }
    remaining[bin] -= item;
    assignment[itemIndex] = bin;
  }
  return assignment;
}

/** Position of the largest priority (the first one on ties). */
export function argmax(priorities) {
  let best = 0;
  for (let index = 1; index < priorities.length; index += 1) {
    if (priorities[index] > priorities[best]) best = index;
  }
  return best;
}

export const firstFit = () => 0;
export const bestFit = (item, capacities) => argmax(capacities.map((remaining) => item - remaining));

/**
 * Replays an assignment under the online rules: every bin index is an open bin that still fits
 * the item, or the next new bin when no open bin fits. Returns the number of bins, or throws.
 */
export function countBins(items, assignment, capacity = CAPACITY) {
  if (!Array.isArray(assignment) || assignment.length !== items.length) {
    throw new Error(
      `expected one bin per item (${items.length}), got ${Array.isArray(assignment) ? assignment.length : typeof assignment}`,
    );
  }
  const remaining = [];
  let largest = 0;
  for (let itemIndex = 0; itemIndex < items.length; itemIndex += 1) {
    const item = items[itemIndex];
    const bin = assignment[itemIndex];
    if (bin === remaining.length) {
      if (largest >= item) throw new Error(`item ${itemIndex} opened a new bin although an open bin could hold it`);
      remaining.push(capacity - item);
      largest = Math.max(largest, capacity - item);
    } else if (Number.isInteger(bin) && bin >= 0 && bin < remaining.length && remaining[bin] >= item) {
      const before = remaining[bin];
      remaining[bin] = before - item;
      if (before === largest) largest = Math.max(...remaining);
    } else {
      throw new Error(`item ${itemIndex} was put in bin ${bin}, which cannot hold it`);
    }
  }
  return remaining.length;
}
