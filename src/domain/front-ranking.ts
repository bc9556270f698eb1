import {
  objectiveValues,
  paretoRanks,
  crowdingDistances,
  pruneTiedWinners,
  rankedEntry,
  weakerFirst,
  type Ranked,
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
 * The tied instance winners of the nodes added so far (as `tiedInstanceWinners` finds them over
 * all of them), kept as a running best per instance (only feasible nodes compete once one is),
 * with each winner's instances and the winners in `weakerFirst` order, so pruning them after a
 * round is one pass: O(W) for W winners rather than a sort of them.
 */
class TiedWinners {
  #anyFeasible = false;
  readonly #bests = new Map<string, { score: number; ids: number[] }>();
  readonly #wins = new Map<number, string[]>();
  #order: Ranked[] = [];

  add(entry: Ranked): void {
    const feasible = entry.violation === 0;
    if (feasible && !this.#anyFeasible) {
      this.#anyFeasible = true;
      this.#bests.clear();
      this.#wins.clear();
      this.#order = [];
    }
    if (!feasible && this.#anyFeasible) return;
    for (const [instance, score] of entry.instances) {
      const best = this.#bests.get(instance);
      if (best === undefined || score > best.score) {
        const gone = new Set((best?.ids ?? []).filter((id) => this.#lose(id, instance)));
        if (gone.size > 0) this.#order = this.#order.filter((held) => !gone.has(held.id));
        this.#bests.set(instance, { score, ids: [entry.id] });
        this.#win(entry, instance);
      } else if (score === best.score) {
        best.ids.push(entry.id);
        this.#win(entry, instance);
      }
    }
  }

  /** The kept winners with their instances (`pruneTiedWinners`). */
  pruned(entries: ReadonlyMap<number, Ranked>): Map<number, string[]> {
    return pruneTiedWinners(this.#wins, entries, this.#order);
  }

  #win(entry: Ranked, instance: string): void {
    const won = this.#wins.get(entry.id);
    if (won !== undefined) {
      won.push(instance);
      won.sort();
      return;
    }
    this.#wins.set(entry.id, [instance]);
    let low = 0;
    let high = this.#order.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (weakerFirst(this.#order[middle] as Ranked, entry) < 0) low = middle + 1;
      else high = middle;
    }
    this.#order.splice(low, 0, entry);
  }

  /** Takes the instance from a winner; true when it has no instance left (then out of `#order` too). */
  #lose(id: number, instance: string): boolean {
    const won = (this.#wins.get(id) as string[]).filter((name) => name !== instance);
    if (won.length > 0) {
      this.#wins.set(id, won);
      return false;
    }
    this.#wins.delete(id);
    return true;
  }
}

/**
 * The front, built from the nodes in order. Its dominance part: the non-dominated set of (earlier
 * nodes ∪ new ones) is that of (earlier non-dominated ∪ new ones), since whatever dominates a
 * dropped node is itself dominated by, or is, a kept one (dominance with bounds is a strict
 * partial order); so each ranking sees those so far and at most `chunkSize` new nodes:
 * O(N·(F + chunk)) instead of `paretoRanks`'s O(N²) over every node. Its instance part: the tied
 * winners of every node so far, kept as running bests, pruned as `paretoRanks` prunes them (a
 * pruned winner still counts, as it may cover a weaker one's instances, so all are kept).
 * With `byRound`, a chunk never spans two rounds, so the front's size after each round is known.
 */
function frontInOrder(
  nodes: readonly FrontInput[],
  settings: ObjectiveSettings,
  byRound: boolean,
): { members: FrontMember[]; growth: FrontGrowthPoint[] } {
  const ordered = [...nodes].sort((left, right) => left.step - right.step || left.id - right.id);
  const dominanceOnly: ObjectiveSettings = { objectives: settings.objectives, outOfBounds: settings.outOfBounds };
  const entries = new Map<number, Ranked>();
  const tied = new TiedWinners();
  const growth: FrontGrowthPoint[] = [];
  let nonDominated: FrontInput[] = [];
  let chunk: FrontInput[] = [];
  const rank = (): void => {
    if (chunk.length === 0) return;
    for (const node of chunk) {
      const entry = rankedEntry(node, settings);
      if (entry === null) continue;
      entries.set(entry.id, entry);
      if (settings.instances !== undefined) tied.add(entry);
    }
    const pool = [...nonDominated, ...chunk];
    const poolById = new Map(pool.map((node) => [node.id, node]));
    const ids = paretoRanks(pool, dominanceOnly)
      .filter((member) => member.rank === 0)
      .map((member) => member.id);
    nonDominated = ids.flatMap((id) => poolById.get(id) ?? []);
    chunk = [];
  };
  // Pruning looks at every tied winner: done only when the front is read, not after each chunk.
  const front = (): FrontMember[] => {
    const ids = nonDominated.map((node) => node.id);
    const wins = settings.instances === undefined ? new Map<number, string[]>() : tied.pruned(entries);
    const group = [...new Set([...ids, ...wins.keys()])].map((id) => entries.get(id) as Ranked);
    const crowding = crowdingDistances(
      group,
      group.map((_, index) => index),
      settings.objectives.length,
    );
    return group.map((entry, index) => ({
      id: entry.id,
      values: entry.values,
      rank: 0,
      crowding: crowding.get(index) as number,
      feasible: entry.violation === 0,
      winsInstances: wins.get(entry.id) ?? [],
    }));
  };
  ordered.forEach((node, index) => {
    if (node.success) chunk.push(node);
    const next = ordered[index + 1];
    const roundEnds = next === undefined || next.step !== node.step;
    if (chunk.length >= chunkSize || (byRound && roundEnds)) rank();
    if (byRound && roundEnds) growth.push({ step: node.step, size: front().length });
  });
  rank();
  return { members: front(), growth };
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
