import { isEligible } from './eligibility.js';
import type { SampleableNode, SamplingPolicy, Selection, SelectOptions } from './policy.js';
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
 * the first drawn is the parent. Keeps no state.
 *
 * Cost: select() O(N): a counting pass, O(n) draws, a pass to fetch the drawn; observe() O(1).
 * @example
 * createRandomPolicy().select({ nodes, n: 3, random: createRandom(7) });
 */
export function createRandomPolicy(options: RandomPolicyOptions = {}): SamplingPolicy {
  const allowFailed = options.allowFailed ?? false;
  const name = 'random';

  function select({ nodes, n, random }: SelectOptions): Selection {
    const size = selectionSize(n);
    let eligible = 0;
    for (const node of nodes) if (isEligible(node, allowFailed)) eligible++;
    if (eligible === 0 || size === 0) return emptySelection();
    const positions = drawPositions(eligible, size, random);
    const wanted = new Map(positions.map((position, order) => [position, order]));
    const context: SampleableNode[] = new Array<SampleableNode>(positions.length);
    let position = 0;
    for (const node of nodes) {
      if (!isEligible(node, allowFailed)) continue;
      const order = wanted.get(position++);
      if (order !== undefined) context[order] = node;
    }
    return selectionOf(context);
  }

  return statelessPolicy(name, select);
}
