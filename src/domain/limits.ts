/**
 * Lengths beyond which a node's text is refused wherever it enters (a Researcher's answer, an
 * agent's `record_node`): a node is read into every prompt that samples it, so one oversized
 * field would make every later prompt too large.
 */
export const NODE_TEXT_LIMITS = {
  /** A design's name: a few words. */
  name: 200,
  /** What a design changes and why. */
  motivation: 20_000,
  /** An agent's analysis of an evaluation. */
  analysis: 50_000,
} as const;
