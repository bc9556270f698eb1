import type { Random } from '../../random.js';
import { isSuccessful } from '../eligibility.js';
import { createFitnessAccumulator, type FitnessNormalisation } from '../fitness.js';
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
 * Draws up to `count` distinct nodes from `candidates`. Each draw is, with probability
 * `exploration`, uniform; with probability `exploitation`, uniform among the remaining elites
 * (fitness-weighted when none remain); otherwise fitness-weighted, with weight
 * fitness + {@link weightFloor} (failed nodes: the floor alone).
 * Cost: O(M) to weigh the M candidates, then O(M) per draw.
 */
export function drawNodes(
  candidates: readonly SampleableNode[],
  elites: ReadonlySet<number>,
  count: number,
  ratios: DrawRatios,
  normalisation: FitnessNormalisation,
  random: Random,
): SampleableNode[] {
  const accumulator = createFitnessAccumulator(normalisation);
  for (const node of candidates) if (isSuccessful(node)) accumulator.add(node.score as number);
  const fitness = accumulator.normaliser();
  const remaining = [...candidates];
  const weights = new Float64Array(remaining.length);
  remaining.forEach((node, index) => {
    weights[index] = weightFloor + (isSuccessful(node) ? fitness(node.score as number) : 0);
  });
  let left = remaining.length;
  const chosen: SampleableNode[] = [];
  while (chosen.length < count && left > 0) {
    const mode = random.next();
    let index = -1;
    if (mode < ratios.exploration) {
      index = random.int(left);
    } else if (mode < ratios.exploration + ratios.exploitation) {
      index = randomElite(remaining, left, elites, random);
    }
    if (index < 0) index = weightedIndex(weights, left, random);
    chosen.push(remaining[index] as SampleableNode);
    // Remove by moving the last remaining entry into the drawn slot.
    left--;
    remaining[index] = remaining[left] as SampleableNode;
    weights[index] = weights[left] as number;
  }
  return chosen;
}

function randomElite(remaining: readonly SampleableNode[], left: number, elites: ReadonlySet<number>, random: Random): number {
  const positions: number[] = [];
  for (let index = 0; index < left; index++) if (elites.has((remaining[index] as SampleableNode).id)) positions.push(index);
  return positions.length > 0 ? (positions[random.int(positions.length)] as number) : -1;
}

function weightedIndex(weights: Float64Array, left: number, random: Random): number {
  let total = 0;
  for (let index = 0; index < left; index++) total += weights[index] as number;
  let target = random.next() * total;
  for (let index = 0; index < left; index++) {
    target -= weights[index] as number;
    if (target < 0) return index;
  }
  return left - 1;
}
