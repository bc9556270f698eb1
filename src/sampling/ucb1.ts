import { compareByScore, isEligible, isSuccessful } from './eligibility.js';
import type { FitnessNormalisation } from './fitness.js';
import { NodeSet } from './node-set.js';
import type { SampleableNode, SamplingPolicy, Selection, SelectOptions } from './policy.js';
import { statelessPolicy } from './policy-state.js';
import { drawPositions } from './random-policy.js';
import { emptySelection, selectionOf, selectionSize } from './selection.js';
import { expectOption } from './validate.js';

/** Options of the UCB1 policy. */
export interface Ucb1Options {
  /** Exploration constant `c` (`database.sampling.ucb1_c`). @default 1.414 */
  c?: number;
  /** Let failed nodes be sampled (their fitness is 0). @default false */
  allowFailed?: boolean;
  /** How scores become fitness before the bonus is added. @default 'min-max' */
  normalisation?: FitnessNormalisation;
}

/**
 * UCB1: value = fitness + c·sqrt(ln N / nᵢ), with fitness the normalised score over the
 * successful candidates, N the total visits over the candidates (at least 1) and nᵢ the node's
 * visit count. Unvisited nodes come first, drawn in seeded-random order; then the highest
 * values, equal values going to the better score, then the lower id. Visit counts live on the
 * nodes (the loop increments them and observes the node again), so the policy saves no state.
 *
 * Why a decision does not scan the population: every node with the same visit count gets the
 * same bonus, and fitness rises with the score, so within one visit count the best-scored node
 * has the highest value. The policy keeps one best-first index per visit count; the next pick is
 * the best head among those indexes.
 *
 * Cost: select() O(n·(log N + V)), V = distinct visit counts among the candidates (at most
 * sqrt(2·total visits), a few dozen in practice); observe() and forget() O(log N).
 * @example
 * const policy = createUcb1Policy({ c: 1.414 });
 * const { parent, context } = policy.select({ n: 3, random });
 */
export function createUcb1Policy(options: Ucb1Options = {}): SamplingPolicy {
  const c = options.c ?? 1.414;
  const allowFailed = options.allowFailed ?? false;
  const normalisation = options.normalisation ?? 'min-max';
  expectOption(Number.isFinite(c) && c >= 0, 'c', 'a non-negative number', c);

  /** Every candidate, for the fitness normaliser and lookups. */
  const candidates = new NodeSet({ ranking: true });
  const unvisited = new NodeSet({ positions: true });
  /** Visited candidates by visit count, each best first. */
  const byVisits = new Map<number, NodeSet>();
  let totalVisits = 0;

  function visitsOf(node: SampleableNode): number {
    return Math.max(0, node.visitCount);
  }

  function forget(id: number): void {
    const node = candidates.get(id);
    if (node === undefined) return;
    candidates.delete(id);
    const visits = visitsOf(node);
    totalVisits -= visits;
    if (visits === 0) {
      unvisited.delete(id);
      return;
    }
    const group = byVisits.get(visits) as NodeSet;
    group.delete(id);
    if (group.size === 0) byVisits.delete(visits);
  }

  function observe(node: SampleableNode): void {
    if (!isEligible(node, allowFailed)) return;
    forget(node.id);
    candidates.put(node);
    const visits = visitsOf(node);
    totalVisits += visits;
    if (visits === 0) {
      unvisited.put(node);
      return;
    }
    let group = byVisits.get(visits);
    if (group === undefined) byVisits.set(visits, (group = new NodeSet({ ranking: true })));
    group.put(node);
  }

  function select({ n, random }: SelectOptions): Selection {
    const size = selectionSize(n);
    if (candidates.size === 0 || size === 0) return emptySelection();
    const chosen = drawPositions(unvisited.size, size, random).map((position) => unvisited.at(position));
    if (chosen.length === size) return selectionOf(chosen);

    const fitness = candidates.normaliser(normalisation);
    const logTotal = Math.log(Math.max(totalVisits, 1));
    // One cursor per visit count, at its best remaining node: a k-way merge by value.
    const heads = [...byVisits].map(([visits, group]) => {
      const cursor = group.bestFirst();
      const bonus = c * Math.sqrt(logTotal / visits);
      return { cursor, bonus, node: cursor.next().value as SampleableNode | undefined };
    });
    const valueOf = (node: SampleableNode, bonus: number): number =>
      (isSuccessful(node) ? fitness(node.score as number) : 0) + bonus;
    while (chosen.length < size) {
      let best: (typeof heads)[number] | undefined;
      let bestValue = Number.NEGATIVE_INFINITY;
      for (const head of heads) {
        if (head.node === undefined) continue;
        const value = valueOf(head.node, head.bonus);
        if (
          best === undefined ||
          value > bestValue ||
          (value === bestValue && compareByScore(head.node, best.node as SampleableNode) < 0)
        ) {
          best = head;
          bestValue = value;
        }
      }
      if (best === undefined) break;
      chosen.push(best.node as SampleableNode);
      best.node = best.cursor.next().value as SampleableNode | undefined;
    }
    return selectionOf(chosen);
  }

  return statelessPolicy('ucb1', { select, observe, forget });
}
