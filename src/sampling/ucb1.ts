import { isSuccessful } from './eligibility.js';
import { createFitnessAccumulator, type FitnessNormalisation } from './fitness.js';
import type { SampleableNode, SamplingPolicy, Selection, SelectOptions } from './policy.js';
import { statelessPolicy } from './policy-state.js';
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

interface Ranked {
  node: SampleableNode;
  value: number;
  tieBreak: number;
}

/** True when (value, tieBreak, id) ranks strictly before `other`: higher value, then higher tie-break, then lower id. */
function ranksBefore(value: number, tieBreak: number, id: number, other: Ranked): boolean {
  if (value !== other.value) return value > other.value;
  if (tieBreak !== other.tieBreak) return tieBreak > other.tieBreak;
  return id < other.node.id;
}

function insertRanked(best: Ranked[], entry: Ranked, size: number): void {
  let index = best.length;
  while (index > 0 && ranksBefore(entry.value, entry.tieBreak, entry.node.id, best[index - 1] as Ranked)) index--;
  best.splice(index, 0, entry);
  if (best.length > size) best.pop();
}

/**
 * UCB1: value = fitness + c·sqrt(ln N / nᵢ), with fitness the normalised score over the
 * successful candidates, N the total visits over the candidates (at least 1) and nᵢ the node's
 * visit count. Unvisited nodes come first, in seeded-random order. The parent is the best
 * value, the context the next best. Visit counts live on the nodes (the loop increments them),
 * so the policy itself keeps no state.
 *
 * Cost: select() O(N) — one pass for the statistics, one for the values, a partial top-n.
 * observe() O(1).
 * @example
 * const policy = createUcb1Policy({ c: 1.414 });
 * const { parent, context } = policy.select({ nodes, n: 3, random });
 */
export function createUcb1Policy(options: Ucb1Options = {}): SamplingPolicy {
  const c = options.c ?? 1.414;
  const allowFailed = options.allowFailed ?? false;
  const normalisation = options.normalisation ?? 'min-max';
  expectOption(Number.isFinite(c) && c >= 0, 'c', 'a non-negative number', c);
  const name = 'ucb1';

  function select({ nodes, n, random }: SelectOptions): Selection {
    const size = selectionSize(n);
    const accumulator = createFitnessAccumulator(normalisation);
    let totalVisits = 0;
    let candidates = 0;
    for (const node of nodes) {
      const successful = isSuccessful(node);
      if (!successful && !allowFailed) continue;
      candidates++;
      if (successful) accumulator.add(node.score as number);
      totalVisits += Math.max(0, node.visitCount);
    }
    if (candidates === 0 || size === 0) return emptySelection();
    const fitness = accumulator.normaliser();
    const logTotal = Math.log(Math.max(totalVisits, 1));
    // A streaming top-n: an entry is allocated only when it enters the buffer.
    const best: Ranked[] = [];
    for (const node of nodes) {
      const successful = isSuccessful(node);
      if (!successful && !allowFailed) continue;
      const value =
        node.visitCount > 0
          ? (successful ? fitness(node.score as number) : 0) + c * Math.sqrt(logTotal / node.visitCount)
          : Number.POSITIVE_INFINITY;
      const tieBreak = random.next();
      const worst = best[best.length - 1];
      if (best.length === size && worst !== undefined && !ranksBefore(value, tieBreak, node.id, worst)) continue;
      insertRanked(best, { node, value, tieBreak }, size);
    }
    return selectionOf(best.map((entry) => entry.node));
  }

  return statelessPolicy(name, select);
}
