import { paretoRanks, type Objective, type ObjectiveSettings } from './objectives.js';
import type { NodeSummary } from './types.js';

/** What the front view needs of a stored node: its summary, never its program. */
export type FrontInput = Pick<NodeSummary, 'id' | 'step' | 'name' | 'success' | 'metrics'>;

/** A successful node placed by its objective values. */
export interface FrontPoint {
  id: number;
  step: number;
  name: string;
  values: Record<string, number>;
  /** 0 on the front; higher ranks are dominated. */
  rank: number;
  feasible: boolean;
  /** With per-instance scores: the instances on which this node is best. */
  winsInstances: string[];
}

/** The front after a round: how many nodes were non-dominated among those stored up to it. */
export interface FrontGrowthPoint {
  step: number;
  size: number;
}

/** The nodes ranked under the objectives: the front, how many are dominated, every placed node. */
export interface FrontRanking {
  objectives: Objective[];
  outOfBounds: ObjectiveSettings['outOfBounds'];
  /** The results key holding per-instance scores, when configured. */
  instances: string | null;
  /** Rank 0, best first on the first objective, then the next… (as `paretoFront` orders it). */
  front: FrontPoint[];
  /** The ranked nodes off the front… */
  dominated: number;
  /** …and how many of those lie outside a bound. */
  infeasible: number;
  /** Every successful node with its values, in id order. */
  points: FrontPoint[];
}

/** The trade-off as the dashboard shows it: the ranking, and the front's size after each round. */
export interface FrontView extends FrontRanking {
  growth: FrontGrowthPoint[];
}

function toPoint(
  member: ReturnType<typeof paretoRanks>[number],
  byId: ReadonlyMap<number, FrontInput>,
): FrontPoint | undefined {
  const node = byId.get(member.id);
  if (node === undefined) return undefined;
  return {
    id: member.id,
    step: node.step,
    name: node.name,
    values: member.values,
    rank: member.rank,
    feasible: member.feasible,
    winsInstances: member.winsInstances,
  };
}

/**
 * The front's size after each round. The front of (earlier nodes ∪ a round's nodes) equals the
 * front of (earlier front ∪ that round's nodes), since whatever dominates a dropped node is itself
 * dominated by, or is, a front member; so each round ranks only the front so far and its own nodes.
 */
export function frontGrowth(nodes: readonly FrontInput[], settings: ObjectiveSettings): FrontGrowthPoint[] {
  const byStep = new Map<number, FrontInput[]>();
  for (const node of nodes) {
    const ofStep = byStep.get(node.step);
    if (ofStep) ofStep.push(node);
    else byStep.set(node.step, [node]);
  }
  const growth: FrontGrowthPoint[] = [];
  let front: FrontInput[] = [];
  for (const step of [...byStep.keys()].sort((left, right) => left - right)) {
    const pool = [...front, ...(byStep.get(step) ?? [])];
    const poolById = new Map(pool.map((node) => [node.id, node]));
    const ranked = paretoRanks(pool, settings);
    front = ranked.filter((member) => member.rank === 0).flatMap((member) => poolById.get(member.id) ?? []);
    growth.push({ step, size: front.length });
  }
  return growth;
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

/**
 * Ranks stored node summaries under the experiment's objectives (what `status` and `best` show).
 * @example
 * const { front, dominated } = rankFront(store.nodeSummaries(), objectiveSettings);
 */
export function rankFront(nodes: readonly FrontInput[], settings: ObjectiveSettings): FrontRanking {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const points = paretoRanks(nodes, settings)
    .flatMap((member) => toPoint(member, byId) ?? [])
    .sort((left, right) => left.id - right.id);
  const front = points.filter((point) => point.rank === 0).sort((left, right) => bestFirst(left, right, settings));
  return {
    objectives: [...settings.objectives],
    outOfBounds: settings.outOfBounds,
    instances: settings.instances ?? null,
    front,
    dominated: points.length - front.length,
    infeasible: points.filter((point) => point.rank > 0 && !point.feasible).length,
    points,
  };
}

/** The front view of stored node summaries: the ranking plus the front's growth over rounds. */
export function buildFrontView(nodes: readonly FrontInput[], settings: ObjectiveSettings): FrontView {
  return { ...rankFront(nodes, settings), growth: frontGrowth(nodes, settings) };
}

/** An objective's value in six significant digits (bins, seconds, losses: not all are scores in [0, 1]). */
export function formatObjectiveValue(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? 'n/a' : String(Number(value.toPrecision(6)));
}
