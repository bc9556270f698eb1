import { compareByScore, isEligible } from './eligibility.js';
import type { SamplingPolicy, Selection, SelectOptions } from './policy.js';
import { statelessPolicy } from './policy-state.js';
import { emptySelection, selectionOf, selectionSize } from './selection.js';
import { topK } from './top-k.js';

/** Options of the greedy policy. */
export interface GreedyOptions {
  /** Let failed nodes be sampled (they rank below every successful node). @default false */
  allowFailed?: boolean;
}

/**
 * Greedy: the top `n` nodes by score, best first; equal scores go to the lower id.
 * Deterministic without drawing from the random source; keeps no state.
 *
 * Cost: select() O(N) with a partial top-n; observe() O(1).
 * @example
 * createGreedyPolicy().select({ nodes, n: 3, random }).parent; // the best node
 */
export function createGreedyPolicy(options: GreedyOptions = {}): SamplingPolicy {
  const allowFailed = options.allowFailed ?? false;
  const name = 'greedy';

  function select({ nodes, n }: SelectOptions): Selection {
    const size = selectionSize(n);
    if (size === 0) return emptySelection();
    return selectionOf(topK(nodes, size, compareByScore, (node) => isEligible(node, allowFailed)));
  }

  return statelessPolicy(name, select);
}
