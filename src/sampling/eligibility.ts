import type { SampleableNode } from './policy.js';

/** True when the node may be sampled: successful with a score, or anything when failed nodes are allowed. */
export function isEligible(node: SampleableNode, allowFailed: boolean): boolean {
  return allowFailed || (node.success && node.score !== null && Number.isFinite(node.score));
}

/** True when the node counts as a success for ranking, normalisation and elite archives. */
export function isSuccessful(node: SampleableNode): boolean {
  return node.success && node.score !== null && Number.isFinite(node.score);
}

/** The score used for ranking: failed or unscored nodes rank below every successful one. */
export function rankScore(node: SampleableNode): number {
  return isSuccessful(node) ? (node.score as number) : Number.NEGATIVE_INFINITY;
}

/** Orders best first: higher score, then lower id. Negative when `left` ranks before `right`. */
export function compareByScore(left: SampleableNode, right: SampleableNode): number {
  const difference = rankScore(right) - rankScore(left);
  if (difference !== 0 && !Number.isNaN(difference)) return difference;
  return left.id - right.id;
}
