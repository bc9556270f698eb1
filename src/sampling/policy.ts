import type { Random } from '../random.js';
import type { JsonValue } from '../store/types.js';

/** What a policy sees of a node: enough to choose, nothing it could change. */
export interface SampleableNode {
  readonly id: number;
  readonly step: number;
  readonly score: number | null;
  readonly success: boolean;
  readonly visitCount: number;
  readonly island: number | null;
  /** Length of the program in characters (the built-in `complexity` feature). */
  readonly programLength: number;
  /** Numeric results, for feature dimensions read from results. */
  readonly metrics: Readonly<Record<string, number>>;
}

export interface SelectOptions {
  nodes: readonly SampleableNode[];
  /** How many nodes to return in all (parent included). */
  n: number;
  random: Random;
}

export interface Selection {
  /** The node to edit in diff mode (also the first context node); null when none qualifies. */
  parent: SampleableNode | null;
  /** Context nodes, parent first, at most `n`, no repeats. */
  context: SampleableNode[];
  /** Island the new node belongs to, for island policies; null otherwise. */
  island: number | null;
}

/**
 * A parent/context sampling policy. Deterministic under the given random source;
 * never returns a failed node unless built with `allowFailed`.
 */
export interface SamplingPolicy {
  readonly name: string;
  select(options: SelectOptions): Selection;
  /** Told about every stored node (new or loaded on resume), in id order. */
  observe(node: SampleableNode): void;
  /** JSON state kept by the store, so the policy resumes where it stopped. */
  state(): JsonValue;
  restore(state: JsonValue): void;
}
