import {
  objectiveValues,
  paretoRanks,
  rankedEntry,
  tiedInstanceWinners,
  type FrontMember,
  type Objective,
  type ObjectiveSettings,
} from './objectives.js';
import type { NodeSummary } from './types.js';

/** What the front view needs of a stored node: its summary, never its program. */
export type FrontInput = Pick<NodeSummary, 'id' | 'step' | 'name' | 'success' | 'metrics'>;

/** A successful node placed by its objective values. */
export interface FrontPoint {
  id: number;
  step: number;
  name: string;
  values: Record<string, number>;
  /** Non-dominated (rank 0 of `paretoRanks`). */
  onFront: boolean;
  /** Inside every bound. */
  feasible: boolean;
  /** With per-instance scores: the instances on which this node is best. */
  winsInstances: string[];
}

/** The front after a round: how many nodes were non-dominated among those stored up to it. */
export interface FrontGrowthPoint {
  step: number;
  size: number;
}

/** The nodes under the objectives: the front, how many are dominated, every placed node. */
export interface FrontRanking {
  objectives: Objective[];
  outOfBounds: ObjectiveSettings['outOfBounds'];
  /** The results key holding per-instance scores, when configured. */
  instances: string | null;
  /** The non-dominated nodes, best first on the first objective, then the next… (as `paretoFront` orders them). */
  front: FrontPoint[];
  /** The placed nodes off the front… */
  dominated: number;
  /** …and how many of those lie outside a bound. */
  infeasible: number;
  /** Every successful node that has a value for each objective, in id order. */
  points: FrontPoint[];
}

/** The trade-off as the dashboard shows it: the ranking, and the front's size after each round. */
export interface FrontView extends FrontRanking {
  growth: FrontGrowthPoint[];
}

/** Nodes ranked together at most: the pool of one ranking is the front so far plus this many. */
const chunkSize = 256;

/**
 * The front, built from the nodes in order: the front of (earlier nodes ∪ new ones) is the front
 * of (earlier front ∪ earlier tied instance winners ∪ new ones), since whatever dominates a
 * dropped node is itself dominated by, or is, a front member (dominance with bounds is a strict
 * partial order), and every tied winner of the whole set is new or was one before, so pruning the
 * tied winners sees all of them (a pruned winner still counts: it may cover a weaker one's
 * instances). So each ranking sees the front so far, the tied winners so far and at most
 * `chunkSize` new nodes: O(N·(F + W + chunk)) instead of `paretoRanks`'s O(N²) over every node
 * (W, the tied winners, can be most nodes with pass/fail instance scores: exact before fast).
 * With `byRound`, a chunk never spans two rounds, so the front's size after each round is known.
 */
function frontInOrder(
  nodes: readonly FrontInput[],
  settings: ObjectiveSettings,
  byRound: boolean,
): { members: FrontMember[]; growth: FrontGrowthPoint[] } {
  const ordered = [...nodes].sort((left, right) => left.step - right.step || left.id - right.id);
  const growth: FrontGrowthPoint[] = [];
  let carried: FrontInput[] = [];
  let members: FrontMember[] = [];
  let chunk: FrontInput[] = [];
  const rank = (): void => {
    if (chunk.length === 0) return;
    const pool = [...carried, ...chunk];
    members = paretoRanks(pool, settings).filter((member) => member.rank === 0);
    const keep = new Set(members.map((member) => member.id));
    if (settings.instances !== undefined) {
      const entries = pool.flatMap((node) => rankedEntry(node, settings) ?? []);
      for (const id of tiedInstanceWinners(entries).keys()) keep.add(id);
    }
    carried = pool.filter((node) => keep.has(node.id));
    chunk = [];
  };
  ordered.forEach((node, index) => {
    if (node.success) chunk.push(node);
    const next = ordered[index + 1];
    const roundEnds = next === undefined || next.step !== node.step;
    if (chunk.length >= chunkSize || (byRound && roundEnds)) rank();
    if (byRound && roundEnds) growth.push({ step: node.step, size: members.length });
  });
  rank();
  return { members, growth };
}

function insideBounds(values: Readonly<Record<string, number>>, objectives: readonly Objective[]): boolean {
  return objectives.every(({ name, min, max }) => {
    const value = values[name] as number;
    return (min === undefined || value >= min) && (max === undefined || value <= max);
  });
}

/** Better on the first objective first, then on the next…, then the older node. */
function bestFirst(left: FrontPoint, right: FrontPoint, settings: ObjectiveSettings): number {
  for (const objective of settings.objectives) {
    const sign = objective.direction === 'maximize' ? -1 : 1;
    const difference = ((left.values[objective.name] ?? 0) - (right.values[objective.name] ?? 0)) * sign;
    if (difference !== 0) return difference;
  }
  return left.id - right.id;
}

function ranking(nodes: readonly FrontInput[], settings: ObjectiveSettings, members: FrontMember[]): FrontRanking {
  const onFront = new Map(members.map((member) => [member.id, member]));
  const points: FrontPoint[] = [];
  for (const node of [...nodes].sort((left, right) => left.id - right.id)) {
    if (!node.success) continue;
    const values = objectiveValues(node, settings);
    if (values === null) continue;
    const member = onFront.get(node.id);
    points.push({
      id: node.id,
      step: node.step,
      name: node.name,
      values,
      onFront: member !== undefined,
      feasible: member?.feasible ?? insideBounds(values, settings.objectives),
      winsInstances: member?.winsInstances ?? [],
    });
  }
  const front = points.filter((point) => point.onFront).sort((left, right) => bestFirst(left, right, settings));
  return {
    objectives: [...settings.objectives],
    outOfBounds: settings.outOfBounds,
    instances: settings.instances ?? null,
    front,
    dominated: points.length - front.length,
    infeasible: points.filter((point) => !point.onFront && !point.feasible).length,
    points,
  };
}

/**
 * The front of stored node summaries under the experiment's objectives (what `status` and `best`
 * show): reads `metrics` only, never a program.
 * @example
 * const { front, dominated } = rankFront(store.nodeSummaries(), objectiveSettings);
 */
export function rankFront(nodes: readonly FrontInput[], settings: ObjectiveSettings): FrontRanking {
  return ranking(nodes, settings, frontInOrder(nodes, settings, false).members);
}

/** The front's size after each round (failed rounds included, with the size they left). */
export function frontGrowth(nodes: readonly FrontInput[], settings: ObjectiveSettings): FrontGrowthPoint[] {
  return frontInOrder(nodes, settings, true).growth;
}

/** The front view of stored node summaries: the ranking plus the front's growth over rounds. */
export function buildFrontView(nodes: readonly FrontInput[], settings: ObjectiveSettings): FrontView {
  const { members, growth } = frontInOrder(nodes, settings, true);
  return { ...ranking(nodes, settings, members), growth };
}

/** An objective's value in six significant digits (bins, seconds, losses: not all are scores in [0, 1]). */
export function formatObjectiveValue(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? 'n/a' : String(Number(value.toPrecision(6)));
}
