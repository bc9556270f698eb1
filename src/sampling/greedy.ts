import { eligibleNodes, NodeSet } from './node-set.js';
import type { SamplingPolicy, Selection, SelectOptions } from './policy.js';
import { statelessPolicy } from './policy-state.js';
import { emptySelection, selectionOf, selectionSize } from './selection.js';

/** Options of the greedy policy. */
export interface GreedyOptions {
  /** Let failed nodes be sampled (they rank below every successful node). @default false */
  allowFailed?: boolean;
}

/**
 * Greedy: the top `n` nodes by score, best first; equal scores go to the lower id.
 * Deterministic without drawing from the random source; saves no state.
 *
 * Cost: select() O(log N + n) from a best-first index; observe() and forget() O(log N).
 * @example
 * createGreedyPolicy().select({ n: 3, random }).parent; // the best node observed
 */
export function createGreedyPolicy(options: GreedyOptions = {}): SamplingPolicy {
  const allowFailed = options.allowFailed ?? false;
  const eligible = new NodeSet({ ranking: true });

  function select({ n }: SelectOptions): Selection {
    const size = selectionSize(n);
    if (size === 0) return emptySelection();
    return selectionOf(eligible.best(size));
  }

  return statelessPolicy('greedy', { select, ...eligibleNodes(eligible, allowFailed) });
}
