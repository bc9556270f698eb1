import type { Random } from '../random.js';
import type { FrontMember, JsonValue, ObjectiveSettings, SampleableNode } from '../domain/index.js';

export type { SampleableNode };

export interface SelectOptions {
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
 *
 * A policy chooses among the nodes it was told about, from indexes it keeps up to date one node
 * at a time, so one decision costs O(log N) in the number of stored nodes, not a pass over them.
 */
export interface SamplingPolicy {
  readonly name: string;
  /** Chooses the parent and context among the nodes observed and not forgotten. */
  select(options: SelectOptions): Selection;
  /**
   * Told about every stored node: each new node, every node loaded on resume (in id order, before
   * or after restore()), and again whenever a node changes (its visit count grew). A node seen
   * before only replaces the earlier copy; it never counts as new twice.
   */
  observe(node: SampleableNode): void;
  /** The node left the store (evicted); it is never selected again. */
  forget(id: number): void;
  /**
   * Where the nodes stand under `objectives`, as `paretoRanks` over every observed node places
   * them: every member of the front (rank 0) and each of `ids` that is ranked. Null when the
   * policy does not rank by these objectives (the caller then ranks itself). Only a policy that
   * keeps the fronts up to date offers it, so that a round need not rank the whole population.
   */
  standings?(objectives: ObjectiveSettings, ids: readonly number[]): ReadonlyMap<number, FrontMember> | null;
  /** JSON state kept by the store, so the policy resumes where it stopped. */
  state(): JsonValue;
  restore(state: JsonValue): void;
}
