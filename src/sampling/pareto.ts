import { LeadingFronts, type FrontMember, type ObjectiveSettings, type RankableNode } from '../domain/index.js';
import type { Random } from '../random.js';
import { compareByScore, isSuccessful } from './eligibility.js';
import type { SampleableNode, SamplingPolicy, Selection, SelectOptions } from './policy.js';
import { corruptState, readCount, readIds, readPolicyState, stateVersion } from './policy-state.js';
import { drawWithoutReplacement } from './random-policy.js';
import { emptySelection, selectionOf, selectionSize } from './selection.js';
import { expectOption, expectPositiveInteger } from './validate.js';

/** Options of the Pareto policy (`database.sampling.pareto`, with `objectives`). */
export interface ParetoOptions {
  /** The objectives to rank by; null ranks by the node's score alone (one objective, maximised). */
  objectives?: ObjectiveSettings | null;
  /** How many fronts (ranks 0, 1, …) a parent may come from. @default 3 */
  fronts?: number;
  /** Weight of UCB's exploration bonus over fronts. @default 0.5 */
  explorationC?: number;
  /** Members drawn for one crowded tournament. @default 2 */
  tournamentSize?: number;
  /** Islands, each with its own front; 1 = one population. @default 1 */
  islands?: number;
  /** Generations (one select() per island) between ring migrations of each island's front. @default 10 */
  migrationInterval?: number;
  /** Let failed nodes be sampled when nothing else qualifies. @default false */
  allowFailed?: boolean;
}

/** The single objective of a run that configured none: the node's score, higher is better. */
const scoreObjective: ObjectiveSettings = {
  objectives: [{ name: 'score', direction: 'maximize' }],
  outOfBounds: 'infeasible',
};

/** Larger crowding distance wins, then fewer visits, then the lower id. */
function crowdedBetter(left: FrontMember, right: FrontMember, visits: (id: number) => number): boolean {
  if (left.crowding !== right.crowding) return left.crowding > right.crowding;
  const difference = visits(left.id) - visits(right.id);
  if (difference !== 0) return difference < 0;
  return left.id < right.id;
}

/**
 * Pareto selection (docs/architecture.md, Several objectives): nodes are ranked by non-domination
 * on the configured objectives (NSGA-II fast non-dominated sort, crowding distance; bounds and
 * per-instance winners as `paretoRanks` says). Each select() chooses one of the first `fronts`
 * fronts by UCB1 — exploitation 1 for the front, falling linearly with rank, plus
 * `explorationC · sqrt(ln(V + 1) / (v + 1))` where v counts the visits of the front's members
 * and V those of all the fronts considered — so a front sampled often yields to the next. The
 * parent is the winner of a crowded tournament (`tournamentSize` members drawn from that front:
 * larger crowding distance, then fewer visits, then lower id), and the other context nodes are
 * inspirations drawn uniformly from the front (rank 0), then the following ranks in crowded
 * order, then successful nodes that lack an objective value, then, when allowed, failed nodes.
 *
 * With `islands` > 1, each select() serves the next island in round-robin order: its front is
 * ranked among its own nodes, the nodes without an island (the seed) and its migrants; every
 * `migrationInterval` generations each island's front is copied by id to the next island.
 * Without objectives the node's score is the only objective.
 *
 * The node's `score` is not what this policy ranks by when objectives are configured: it stays
 * the evaluator's `eval_score` (after the judge blend), which `best/`, eviction (sparing the
 * front) and the other policies still read.
 *
 * Cost: each pool keeps its first `fronts` fronts up to date node by node (`LeadingFronts`), so
 * observing a node costs O(fronts · front size) dominance tests and select() reads only those
 * fronts, whatever the number of stored nodes (bench/pareto.ts); evicting a member of a kept
 * front, or restoring, re-sorts the pool once, O(N log N) with one or two objectives. More fronts
 * are kept when the first ones hold fewer than the n nodes asked for. Saves the number of
 * selections and the migrants.
 * @example
 * createParetoPolicy({ objectives: { objectives: [...], outOfBounds: 'infeasible' } }).select({ n: 3, random });
 */
export function createParetoPolicy(options: ParetoOptions = {}): SamplingPolicy {
  const settings = options.objectives ?? scoreObjective;
  const byScore = options.objectives === null || options.objectives === undefined;
  const frontCount = options.fronts ?? 3;
  const explorationC = options.explorationC ?? 0.5;
  const tournamentSize = options.tournamentSize ?? 2;
  const islands = options.islands ?? 1;
  const migrationInterval = options.migrationInterval ?? 10;
  const allowFailed = options.allowFailed ?? false;
  expectPositiveInteger('fronts', frontCount);
  expectPositiveInteger('tournamentSize', tournamentSize);
  expectPositiveInteger('islands', islands);
  expectPositiveInteger('migrationInterval', migrationInterval);
  expectOption(
    Number.isFinite(explorationC) && explorationC >= 0,
    'explorationC',
    'a non-negative number',
    explorationC,
  );
  const name = 'pareto';

  const nodes = new Map<number, SampleableNode>();
  let selections = 0;
  let migrants: Set<number>[] = Array.from({ length: islands }, () => new Set<number>());
  /** The leading fronts of each island's nodes (key `islands`: of every node), kept node by node. */
  const leading = new Map<number, LeadingFronts>();
  for (let pool = islands === 1 ? 1 : 0; pool <= islands; pool++)
    leading.set(pool, new LeadingFronts(settings, frontCount));

  const rankable = (node: SampleableNode): RankableNode =>
    byScore ? { id: node.id, success: true, metrics: { score: node.score as number } } : node;

  /** The island a node lives on; nodes of no island (or of an island beyond the count) count everywhere. */
  function livesOn(node: SampleableNode, island: number): boolean {
    if (islands === 1 || island === islands) return true;
    return node.island === null || node.island === island || node.island >= islands || migrants[island]!.has(node.id);
  }

  function fronts(pool: number): LeadingFronts {
    return leading.get(pool) as LeadingFronts;
  }

  /** Puts the node into the fronts of each pool it lives on. */
  function place(node: SampleableNode): void {
    for (const [pool, structure] of leading) {
      if (isSuccessful(node) && livesOn(node, pool)) structure.insert(rankable(node));
      else structure.remove(node.id);
    }
  }

  /** The pool's ranking, as far as a selection of `size` nodes reads it (a prefix of `paretoRanks`'s). */
  function ranking(pool: number, size: number): FrontMember[] {
    return fronts(pool).leading({ ranks: frontCount, members: size });
  }

  function migrate(): void {
    const islandFronts = Array.from({ length: islands }, (_, island) =>
      fronts(island)
        .leading({ ranks: 1, members: 0 })
        .filter((member) => member.rank === 0 && nodes.get(member.id)?.island === island),
    );
    islandFronts.forEach((front, island) => {
      const next = (island + 1) % islands;
      for (const member of front) {
        const node = nodes.get(member.id) as SampleableNode;
        const arrives = !livesOn(node, next);
        migrants[next]!.add(member.id);
        if (arrives) fronts(next).insert(rankable(node));
      }
    });
  }

  const visits = (id: number): number => nodes.get(id)?.visitCount ?? 0;

  /** The front to draw the parent from: UCB1 over the first `fronts` ranks present. */
  function chooseFront(byRank: FrontMember[][]): FrontMember[] {
    const considered = byRank.slice(0, frontCount);
    const frontVisits = considered.map((front) => front.reduce((sum, member) => sum + visits(member.id), 0));
    const total = frontVisits.reduce((sum, value) => sum + value, 0);
    let best = 0;
    let bestValue = Number.NEGATIVE_INFINITY;
    considered.forEach((_, index) => {
      const exploit = 1 - index / considered.length;
      const value = exploit + explorationC * Math.sqrt(Math.log(total + 1) / ((frontVisits[index] as number) + 1));
      if (value > bestValue) {
        best = index;
        bestValue = value;
      }
    });
    return considered[best] as FrontMember[];
  }

  function tournament(front: FrontMember[], random: Random): FrontMember {
    let winner = front[random.int(front.length)] as FrontMember;
    for (let draw = 1; draw < tournamentSize; draw++) {
      const challenger = front[random.int(front.length)] as FrontMember;
      if (crowdedBetter(challenger, winner, visits)) winner = challenger;
    }
    return winner;
  }

  function select({ n, random }: SelectOptions): Selection {
    const size = selectionSize(n);
    let island: number | null = null;
    let pool = islands;
    if (islands > 1) {
      if (selections > 0 && selections % (islands * migrationInterval) === 0) migrate();
      island = selections % islands;
      selections++;
      pool = fronts(island).size > 0 ? island : islands;
    }
    if (size === 0) return emptySelection(island);
    const ranked = ranking(pool, size);
    const byRank: FrontMember[][] = [];
    for (const member of ranked) {
      const last = byRank[byRank.length - 1];
      if (last !== undefined && last[0]!.rank === member.rank) last.push(member);
      else byRank.push([member]);
    }
    const chosen: number[] = [];
    if (byRank.length > 0) {
      chosen.push(tournament(chooseFront(byRank), random).id);
      const front = (byRank[0] as FrontMember[]).filter((member) => member.id !== chosen[0]).map((member) => member.id);
      chosen.push(...drawWithoutReplacement(front, size - chosen.length, random));
      for (const member of ranked) {
        if (chosen.length >= size) break;
        if (member.rank > 0 && !chosen.includes(member.id)) chosen.push(member.id);
      }
    }
    if (chosen.length < size) {
      // Nodes of the island outside its ranking: successful ones without every objective value, then failed ones.
      const taken = new Set(chosen);
      const rest = [...nodes.values()]
        .filter((node) => !taken.has(node.id) && livesOn(node, pool) && (isSuccessful(node) || allowFailed))
        .sort(compareByScore);
      for (const node of rest) {
        if (chosen.length >= size) break;
        chosen.push(node.id);
      }
    }
    return selectionOf(
      chosen.map((id) => nodes.get(id) as SampleableNode),
      island,
    );
  }

  function observe(node: SampleableNode): void {
    const known = nodes.get(node.id);
    nodes.set(node.id, node);
    if (
      known !== undefined &&
      known.success === node.success &&
      known.score === node.score &&
      known.island === node.island &&
      known.metrics === node.metrics
    ) {
      return;
    }
    place(node);
  }

  function forget(id: number): void {
    if (!nodes.delete(id)) return;
    for (const set of migrants) set.delete(id);
    for (const structure of leading.values()) structure.remove(id);
  }

  /** Every pool's fronts rebuilt from the nodes (after the migrants changed wholesale). */
  function replaceAll(): void {
    for (const structure of leading.values()) structure.clear();
    for (const node of nodes.values()) place(node);
  }

  return {
    name,
    select,
    observe,
    forget,
    standings(objectives, ids) {
      if (byScore || JSON.stringify(objectives) !== JSON.stringify(settings)) return null;
      const members = fronts(islands).leading({ ranks: 1, members: 0, include: ids });
      const wanted = new Set(ids);
      return new Map(
        members.filter((member) => member.rank === 0 || wanted.has(member.id)).map((member) => [member.id, member]),
      );
    },
    state: () => ({
      policy: name,
      version: stateVersion,
      selections,
      migrants: migrants.map((set) => [...set].sort((a, b) => a - b)),
    }),
    restore(state) {
      const saved = readPolicyState(state, name);
      if (saved === null) return;
      const savedMigrants = saved.migrants;
      if (!Array.isArray(savedMigrants)) throw corruptState(name, '`migrants` is not a list of id lists');
      selections = readCount(saved, 'selections', name);
      const read = savedMigrants.map((ids, island) => new Set(readIds(ids, `migrants[${island}]`, name)));
      // Resumed with another number of islands (or islands turned on or off): the migrants are only
      // copies by id of other islands' fronts, so they are dropped and migration starts over; every
      // node keeps its own island, and nothing stored is lost.
      migrants = read.length === islands ? read : Array.from({ length: islands }, () => new Set<number>());
      replaceAll();
    },
  };
}
