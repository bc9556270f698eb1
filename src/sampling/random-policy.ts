import { eligibleNodes, NodeSet } from './node-set.js';
import type { SamplingPolicy, Selection, SelectOptions } from './policy.js';
import { statelessPolicy } from './policy-state.js';
import type { Random } from '../random.js';
import { emptySelection, selectionOf, selectionSize } from './selection.js';

/** Options of the random policy. */
export interface RandomPolicyOptions {
  /** Let failed nodes be sampled. @default false */
  allowFailed?: boolean;
}

/** Draws `count` distinct items uniformly, in draw order (a partial Fisher–Yates shuffle of `items`). */
export function drawWithoutReplacement<T>(items: T[], count: number, random: Random): T[] {
  const limit = Math.min(count, items.length);
  for (let index = 0; index < limit; index++) {
    const chosen = index + random.int(items.length - index);
    const item = items[chosen] as T;
    items[chosen] = items[index] as T;
    items[index] = item;
  }
  return items.slice(0, limit);
}

/**
 * Draws `count` distinct positions in [0, length) uniformly, in draw order: the same partial
 * Fisher–Yates shuffle over a virtual array, keeping only the swapped slots (O(count) memory).
 */
export function drawPositions(length: number, count: number, random: Random): number[] {
  const swapped = new Map<number, number>();
  const positions: number[] = [];
  for (let index = 0; index < Math.min(count, length); index++) {
    const chosen = index + random.int(length - index);
    positions.push(swapped.get(chosen) ?? chosen);
    swapped.set(chosen, swapped.get(index) ?? index);
  }
  return positions;
}

/**
 * Random: `n` eligible nodes drawn uniformly without replacement from the seeded source;
 * the first drawn is the parent. A draw is a position in id order, so the same seed draws the
 * same nodes however the population came to be (a resumed run draws as an uninterrupted one).
 * Saves no state.
 *
 * Cost: select() O(n·log N) (n positions, each found in an id index); observe() and forget() O(log N).
 * @example
 * createRandomPolicy().select({ n: 3, random: createRandom(7) });
 */
export function createRandomPolicy(options: RandomPolicyOptions = {}): SamplingPolicy {
  const allowFailed = options.allowFailed ?? false;
  const eligible = new NodeSet({ positions: true });

  function select({ n, random }: SelectOptions): Selection {
    const size = selectionSize(n);
    if (eligible.size === 0 || size === 0) return emptySelection();
    return selectionOf(drawPositions(eligible.size, size, random).map((position) => eligible.at(position)));
  }

  return statelessPolicy('random', { select, ...eligibleNodes(eligible, allowFailed) });
}
