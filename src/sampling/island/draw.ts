import type { Random } from '../../random.js';
import { isSuccessful } from '../eligibility.js';
import type { FitnessNormalisation } from '../fitness.js';
import type { NodeSet } from '../node-set.js';
import type { SampleableNode } from '../policy.js';

/** Weight added to every node in fitness-weighted draws, so the worst keeps a small chance. */
export const weightFloor = 0.05;

/** Probabilities of the three ways one draw picks a node. */
export interface DrawRatios {
  /** Uniform within the island. */
  exploration: number;
  /** Uniform among the island's elites (MAP-Elites occupants). */
  exploitation: number;
}

/**
 * Draws up to `count` distinct nodes from `pool`. Each draw is, with probability `exploration`,
 * uniform; with probability `exploitation`, uniform among the `elites` not yet drawn
 * (fitness-weighted when none remain); otherwise fitness-weighted, with weight
 * fitness + {@link weightFloor} (failed nodes: the floor alone).
 *
 * Both kinds of draw are rejection samplers over uniform positions in the pool, so no draw
 * weighs the whole pool: a uniform pick is redrawn when it was already drawn, and a weighted
 * pick is kept with probability weight / (1 + floor). Fitness is at most 1, so a pick is kept at
 * least once in 21 tries whatever the scores, and about once in two for spread-out scores.
 *
 * Cost: O(log M) per try over the M nodes of the pool, plus O(E) per elite draw.
 */
export function drawNodes(
  pool: NodeSet,
  elites: readonly SampleableNode[],
  count: number,
  ratios: DrawRatios,
  normalisation: FitnessNormalisation,
  random: Random,
): SampleableNode[] {
  const fitness = pool.normaliser(normalisation);
  const weightOf = (node: SampleableNode): number =>
    weightFloor + (isSuccessful(node) ? fitness(node.score as number) : 0);
  const chosen: SampleableNode[] = [];
  const chosenIds = new Set<number>();

  const uniform = (): SampleableNode => {
    for (;;) {
      const node = pool.at(random.int(pool.size));
      if (!chosenIds.has(node.id)) return node;
    }
  };
  const weighted = (): SampleableNode => {
    for (;;) {
      const node = uniform();
      if (random.next() * (1 + weightFloor) < weightOf(node)) return node;
    }
  };

  const target = Math.min(count, pool.size);
  while (chosen.length < target) {
    const mode = random.next();
    let node: SampleableNode;
    if (mode < ratios.exploration) {
      node = uniform();
    } else if (mode < ratios.exploration + ratios.exploitation) {
      const left = elites.filter((elite) => !chosenIds.has(elite.id));
      node = left.length > 0 ? (left[random.int(left.length)] as SampleableNode) : weighted();
    } else {
      node = weighted();
    }
    chosen.push(node);
    chosenIds.add(node.id);
  }
  return chosen;
}
