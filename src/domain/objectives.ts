/**
 * Several objectives: which nodes trade them off best (docs/architecture.md, Several objectives).
 *
 * An objective is a metric key of results.json (a numeric entry of `NodeSummary.metrics`) with a
 * direction, and optionally a bound that makes it a constraint as well. With objectives
 * configured, nodes are ranked by Pareto dominance (NSGA-II's fast non-dominated sort and crowding
 * distance) instead of by one score; `score`/`eval_score` stay what they are for compatibility.
 *
 * Bounds (`min`, `max`): a node outside one is not feasible. With `outOfBounds: 'infeasible'` it
 * is ranked after every feasible node, and among the infeasible ones the smaller total violation
 * dominates (Deb's constraint domination): objectives do not matter until it is inside. With
 * `'dominated'` it is dominated by every feasible node, but compared with other out-of-bound
 * nodes on the objectives as usual, so its trade-off still counts when nothing is feasible.
 *
 * Per-instance scores (GEPA's setting): when `instances` names a results.json key whose value is
 * an object of instance → score (higher is better), the store's summary keeps each score as the
 * metric `<instances>.<instance>`: the loop names that key in `NewNode.flattenMetrics`, and
 * `summaryMetrics` flattens the named objects one level deep into dotted keys. Policies and views
 * then read instance scores from `metrics` like any other metric (`instanceScores`); a results
 * object not named stays out of the summary, as it always did.
 *
 * Instance winners: a node is best on an instance when no competing node scores higher on it
 * (competing = the feasible nodes when any is feasible, else all). Ties make many nodes best (with
 * pass/fail scores, every node that passes an easy instance), so, as GEPA does, the tied winners
 * are pruned: take them weakest first — lower mean instance score (over the instances the node
 * reports), then lower `eval_score` metric (absent = lowest), then the later node (higher id) —
 * and drop each whose every won instance is still won by another winner not dropped yet. Dropping
 * one only takes cover away from the rest, so this one pass keeps what GEPA's repeated
 * lowest-first removal keeps; of identical nodes the strongest (then the earliest) stays, and
 * every instance keeps at least one winner. A kept winner is on the front (rank 0) whatever its
 * objectives and lists the instances it is best on in `winsInstances`; a dropped one is ranked
 * by dominance like any node (its `winsInstances` is empty). The ranks below the front keep their
 * numbers, so a rank may be skipped.
 */

/** One objective: a metric of results.json, its direction, and an optional bound (a constraint). */
export interface Objective {
  name: string;
  direction: 'maximize' | 'minimize';
  /** The smallest acceptable value: a node below it is outside the bound. */
  min?: number;
  /** The largest acceptable value: a node above it is outside the bound. */
  max?: number;
}

/** The objectives of an experiment, as the config states them. */
export interface ObjectiveSettings {
  objectives: readonly Objective[];
  /** What a bound violation means: ranked after all feasible nodes by violation, or dominated by them. */
  outOfBounds: 'infeasible' | 'dominated';
  /** The results.json key of a per-instance score map (instance → score, higher better); absent when unused. */
  instances?: string;
}

/** A successful node with its objective values, its non-domination rank and crowding distance. */
export interface FrontMember {
  id: number;
  /** The node's value of each objective, by objective name, as the evaluator reported it. */
  values: Record<string, number>;
  /** 0 for the non-dominated front, 1 for the front once rank 0 is removed, and so on. */
  rank: number;
  /** NSGA-II crowding distance within its rank (Infinity at the ends of each objective's range). */
  crowding: number;
  /** Inside every bound. */
  feasible: boolean;
  /** Instances on which it scores best, sorted; empty unless it is a kept instance winner (only with `instances`). */
  winsInstances: string[];
}

/** What ranking reads of a node: a summary or a policy's SampleableNode fits. */
export interface RankableNode {
  readonly id: number;
  readonly success: boolean;
  readonly metrics: Readonly<Record<string, number>>;
}

/** The most entries `summaryMetrics` takes from one nested object, so a huge map cannot bloat every summary. */
export const MAX_NESTED_METRICS = 4096;

/**
 * The numeric entries of a node's results, as a summary keeps them: each finite top-level number,
 * and, for each key in `flatten` whose value is an object, each of its finite numbers as
 * `<key>.<name>` (one level deep, at most MAX_NESTED_METRICS per object; a top-level key spelled
 * with a dot wins over a flattened one).
 */
export function summaryMetrics(
  results: Readonly<Record<string, unknown>>,
  flatten: readonly string[] = [],
): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const [key, value] of Object.entries(results)) {
    if (typeof value === 'number' && Number.isFinite(value)) metrics[key] = value;
  }
  for (const key of flatten) {
    const value = Object.hasOwn(results, key) ? results[key] : undefined;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
    let taken = 0;
    for (const [name, inner] of Object.entries(value as Record<string, unknown>)) {
      if (taken >= MAX_NESTED_METRICS) break;
      if (typeof inner !== 'number' || !Number.isFinite(inner)) continue;
      const flat = `${key}.${name}`;
      if (Object.hasOwn(metrics, flat)) continue;
      metrics[flat] = inner;
      taken++;
    }
  }
  return metrics;
}

function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * The node's value of each objective, by name; null when one is missing or not a finite number.
 * Reads `metrics` first, then a top-level number of `results` when given.
 */
export function objectiveValues(
  node: { metrics: Readonly<Record<string, number>>; results?: unknown },
  settings: ObjectiveSettings,
): Record<string, number> | null {
  const results =
    node.results !== null && typeof node.results === 'object' && !Array.isArray(node.results)
      ? (node.results as Record<string, unknown>)
      : undefined;
  const values: Record<string, number> = {};
  for (const objective of settings.objectives) {
    const value = finiteNumber(node.metrics[objective.name]) ?? finiteNumber(results?.[objective.name]);
    if (value === undefined) return null;
    values[objective.name] = value;
  }
  return values;
}

/**
 * The node's per-instance scores (instance → score) read from its metrics (`<instances>.<name>`);
 * empty without `instances`.
 */
export function instanceScores(
  metrics: Readonly<Record<string, number>>,
  settings: ObjectiveSettings,
): Map<string, number> {
  const scores = new Map<string, number>();
  if (settings.instances === undefined) return scores;
  const prefix = `${settings.instances}.`;
  for (const [key, value] of Object.entries(metrics)) {
    if (key.startsWith(prefix) && Number.isFinite(value)) scores.set(key.slice(prefix.length), value);
  }
  return scores;
}

/** How far a value lies outside the objective's bound, relative to the bound (0 when inside). */
function violationOf(objective: Objective, value: number): number {
  if (objective.min !== undefined && value < objective.min) {
    return (objective.min - value) / Math.max(Math.abs(objective.min), 1);
  }
  if (objective.max !== undefined && value > objective.max) {
    return (value - objective.max) / Math.max(Math.abs(objective.max), 1);
  }
  return 0;
}

/** A node as ranking sees it (internal to domain: the incremental fronts share it). */
export interface Ranked {
  id: number;
  values: Record<string, number>;
  /** Each objective's value turned so that larger is better. */
  gains: number[];
  violation: number;
  instances: Map<string, number>;
  /** The mean of `instances` (0 when none): pruning tied instance winners drops the weakest first. */
  instanceMean: number;
  /** The `eval_score` metric (-Infinity when absent): the second key of that order. */
  evalScore: number;
}

/** The node as ranking sees it; null when it failed or lacks an objective's value (it is not ranked). */
export function rankedEntry(node: RankableNode, settings: ObjectiveSettings): Ranked | null {
  if (!node.success) return null;
  const values = objectiveValues(node, settings);
  if (values === null) return null;
  const instances = instanceScores(node.metrics, settings);
  return {
    id: node.id,
    values,
    gains: settings.objectives.map((objective) =>
      objective.direction === 'maximize' ? (values[objective.name] as number) : -(values[objective.name] as number),
    ),
    violation: settings.objectives.reduce(
      (sum, objective) => sum + violationOf(objective, values[objective.name] as number),
      0,
    ),
    instances,
    instanceMean:
      instances.size === 0 ? 0 : [...instances.values()].reduce((sum, score) => sum + score, 0) / instances.size,
    evalScore: finiteNumber(node.metrics['eval_score']) ?? -Infinity,
  };
}

/** Pareto dominance on the objectives alone: at least as good on each, better on one. */
function paretoDominates(left: Ranked, right: Ranked): boolean {
  let better = false;
  for (let index = 0; index < left.gains.length; index++) {
    const a = left.gains[index] as number;
    const b = right.gains[index] as number;
    if (a < b) return false;
    if (a > b) better = true;
  }
  return better;
}

export function dominates(left: Ranked, right: Ranked, outOfBounds: ObjectiveSettings['outOfBounds']): boolean {
  const leftFeasible = left.violation === 0;
  const rightFeasible = right.violation === 0;
  if (leftFeasible !== rightFeasible) return leftFeasible;
  if (!leftFeasible && outOfBounds === 'infeasible') return left.violation < right.violation;
  return paretoDominates(left, right);
}

/**
 * An order in which a node comes after every node that dominates it: feasible first; then, with
 * `infeasible`, the smaller violation; then the gains, lexicographically, largest first (a node
 * dominating another is at least as good on each gain and better on one, so it sorts earlier).
 */
function dominanceOrder(outOfBounds: ObjectiveSettings['outOfBounds']): (left: Ranked, right: Ranked) => number {
  return (left, right) => {
    const leftFeasible = left.violation === 0;
    if (leftFeasible !== (right.violation === 0)) return leftFeasible ? -1 : 1;
    if (!leftFeasible && outOfBounds === 'infeasible' && left.violation !== right.violation) {
      return left.violation - right.violation;
    }
    for (let index = 0; index < left.gains.length; index++) {
      const difference = (right.gains[index] as number) - (left.gains[index] as number);
      if (difference !== 0) return difference;
    }
    return left.id - right.id;
  };
}

/**
 * The indexes of `entries` in `dominanceOrder`, quickly: the sort compares a precomputed class and first key
 * held in typed arrays and calls the full comparison only on ties (about four times faster at
 * 100,000 entries than sorting with it throughout).
 */
export function dominanceIndexOrder(
  entries: readonly Ranked[],
  outOfBounds: ObjectiveSettings['outOfBounds'],
): number[] {
  const count = entries.length;
  const infeasible = new Uint8Array(count);
  const key = new Float64Array(count);
  entries.forEach((entry, index) => {
    const feasible = entry.violation === 0;
    infeasible[index] = feasible ? 0 : 1;
    key[index] = !feasible && outOfBounds === 'infeasible' ? entry.violation : -(entry.gains[0] ?? 0);
  });
  const compare = dominanceOrder(outOfBounds);
  const order = Array.from({ length: count }, (_, index) => index);
  order.sort(
    (left, right) =>
      (infeasible[left] as number) - (infeasible[right] as number) ||
      (key[left] as number) - (key[right] as number) ||
      compare(entries[left] as Ranked, entries[right] as Ranked),
  );
  return order;
}

/**
 * The non-domination rank of each entry, 0 for the non-dominated: the efficient non-dominated
 * sort with binary search (ENS-BS, Zhang et al. 2015). Entries are taken in `dominanceOrder`, so
 * each is compared only with the fronts already built, and put in the first front none of whose
 * members dominates it (if a member of front k dominates it, so does one of every front before k,
 * which is why a binary search finds that front). O(N log N) with one or two objectives,
 * O(M·N²) at worst with more, far less on most populations; no N² memory.
 */
function nonDominatedRanks(entries: readonly Ranked[], outOfBounds: ObjectiveSettings['outOfBounds']): number[] {
  const order = dominanceIndexOrder(entries, outOfBounds);
  const fronts: number[][] = [];
  const ranks = new Array<number>(entries.length).fill(0);
  // With one or two objectives, a front's latest member is the best of it on the last objective
  // (taken in this order, a member not better there than an earlier one would be dominated by it),
  // so if it does not dominate the entry no member does: one comparison per front.
  const lastOnly = (entries[0]?.gains.length ?? 0) <= 2;
  const dominatedByFront = (front: readonly number[], entry: Ranked): boolean => {
    // The latest members are the most similar to the entry: look at them first.
    const stop = lastOnly ? front.length - 1 : 0;
    for (let position = front.length - 1; position >= stop; position--) {
      if (dominates(entries[front[position] as number] as Ranked, entry, outOfBounds)) return true;
    }
    return false;
  };
  for (const index of order) {
    const entry = entries[index] as Ranked;
    let low = 0;
    let high = fronts.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (dominatedByFront(fronts[middle] as number[], entry)) low = middle + 1;
      else high = middle;
    }
    if (low === fronts.length) fronts.push([]);
    (fronts[low] as number[]).push(index);
    ranks[index] = low;
  }
  return ranks;
}

/** NSGA-II crowding distance of each member of one rank (indexes into `entries`). */
export function crowdingDistances(
  entries: readonly Ranked[],
  members: readonly number[],
  objectives: number,
): Map<number, number> {
  const distance = new Map<number, number>(members.map((index) => [index, 0]));
  if (members.length <= 2) {
    for (const index of members) distance.set(index, Infinity);
    return distance;
  }
  for (let objective = 0; objective < objectives; objective++) {
    const gain = (index: number): number => (entries[index] as Ranked).gains[objective] as number;
    const sorted = [...members].sort(
      (a, b) => gain(a) - gain(b) || (entries[a] as Ranked).id - (entries[b] as Ranked).id,
    );
    const low = gain(sorted[0] as number);
    const high = gain(sorted[sorted.length - 1] as number);
    distance.set(sorted[0] as number, Infinity);
    distance.set(sorted[sorted.length - 1] as number, Infinity);
    if (high === low) continue;
    // Halved first: values near ±1.8e308 would overflow the differences to Infinity (and NaN).
    const range = high / 2 - low / 2;
    for (let position = 1; position < sorted.length - 1; position++) {
      const index = sorted[position] as number;
      const spread = gain(sorted[position + 1] as number) / 2 - gain(sorted[position - 1] as number) / 2;
      distance.set(index, (distance.get(index) as number) + spread / range);
    }
  }
  return distance;
}

/**
 * The instance winners kept on the front, with the instances each is best on (sorted): every tied
 * winner, less those pruned (see the module doc).
 */
export function instanceWinners(entries: readonly Ranked[]): Map<number, string[]> {
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  return pruneTiedWinners(tiedInstanceWinners(entries), byId);
}

/** Weakest first: lower mean instance score, then lower `eval_score`, then the later node. */
export function weakerFirst(left: Ranked, right: Ranked): number {
  if (left.instanceMean !== right.instanceMean) return left.instanceMean < right.instanceMean ? -1 : 1;
  if (left.evalScore !== right.evalScore) return left.evalScore < right.evalScore ? -1 : 1;
  return right.id - left.id;
}

/**
 * Drops, weakest first, each tied winner whose every won instance another remaining winner also
 * wins (GEPA's pruning of dominated programs; see the module doc). `wins` maps winner ids to
 * their instances (sorted); `entries` holds each of them; `weakestFirst`, when the caller keeps
 * the winners in `weakerFirst` order already, saves the sort.
 */
export function pruneTiedWinners(
  wins: ReadonlyMap<number, string[]>,
  entries: ReadonlyMap<number, Ranked>,
  weakestFirst?: readonly Ranked[],
): Map<number, string[]> {
  const holders = new Map<string, number>();
  for (const won of wins.values()) for (const instance of won) holders.set(instance, (holders.get(instance) ?? 0) + 1);
  const order = weakestFirst ?? [...wins.keys()].map((id) => entries.get(id) as Ranked).sort(weakerFirst);
  const kept = new Map<number, string[]>();
  for (const entry of order) {
    const won = wins.get(entry.id) as string[];
    if (won.every((instance) => (holders.get(instance) as number) >= 2)) {
      for (const instance of won) holders.set(instance, (holders.get(instance) as number) - 1);
    } else kept.set(entry.id, won);
  }
  return kept;
}

/** For each node best on some instance (ties included), those instances, sorted. */
export function tiedInstanceWinners(entries: readonly Ranked[]): Map<number, string[]> {
  const feasible = entries.filter((entry) => entry.violation === 0);
  const competing = feasible.length > 0 ? feasible : entries;
  const best = new Map<string, number>();
  for (const entry of competing) {
    for (const [instance, score] of entry.instances) {
      const current = best.get(instance);
      if (current === undefined || score > current) best.set(instance, score);
    }
  }
  const wins = new Map<number, string[]>();
  for (const entry of competing) {
    const won: string[] = [];
    for (const [instance, score] of entry.instances) if (score === best.get(instance)) won.push(instance);
    if (won.length > 0) wins.set(entry.id, won.sort());
  }
  return wins;
}

/**
 * Every successful node that has a value for each objective, with its non-domination rank (0 =
 * the front, NSGA-II fast non-dominated sort; bounds as `outOfBounds` says; a kept instance
 * winner is on the front) and its crowding distance within its rank. Ordered by rank, then
 * crowding distance (largest first), then id: the order NSGA-II's crowded comparison prefers.
 * Costs O(M·N²) for N nodes and M objectives at worst (see `nonDominatedRanks`), far less on most.
 */
export function paretoRanks(nodes: readonly RankableNode[], settings: ObjectiveSettings): FrontMember[] {
  const entries: Ranked[] = [];
  for (const node of nodes) {
    const entry = rankedEntry(node, settings);
    if (entry !== null) entries.push(entry);
  }
  entries.sort((a, b) => a.id - b.id);
  const ranks = nonDominatedRanks(entries, settings.outOfBounds);
  const wins = instanceWinners(entries);
  entries.forEach((entry, index) => {
    if (wins.has(entry.id)) ranks[index] = 0;
  });
  const byRank = new Map<number, number[]>();
  ranks.forEach((rank, index) => {
    const members = byRank.get(rank);
    if (members === undefined) byRank.set(rank, [index]);
    else members.push(index);
  });
  const crowding = new Map<number, number>();
  for (const members of byRank.values()) {
    for (const [index, distance] of crowdingDistances(entries, members, settings.objectives.length)) {
      crowding.set(index, distance);
    }
  }
  const members = entries.map((entry, index): FrontMember => ({
    id: entry.id,
    values: entry.values,
    rank: ranks[index] as number,
    crowding: crowding.get(index) as number,
    feasible: entry.violation === 0,
    winsInstances: wins.get(entry.id) ?? [],
  }));
  return members.sort((a, b) => a.rank - b.rank || compareCrowding(a.crowding, b.crowding) || a.id - b.id);
}

/** Larger crowding distance first; two infinite distances tie. */
export function compareCrowding(left: number, right: number): number {
  if (left === right) return 0;
  return right > left ? 1 : -1;
}

/**
 * The non-dominated nodes (rank 0 of `paretoRanks`), best first on the first objective, then by
 * the following objectives, then id: the order to list or plot the front in.
 */
export function paretoFront(nodes: readonly RankableNode[], settings: ObjectiveSettings): FrontMember[] {
  const front = paretoRanks(nodes, settings).filter((member) => member.rank === 0);
  return front.sort((a, b) => {
    for (const objective of settings.objectives) {
      const sign = objective.direction === 'maximize' ? -1 : 1;
      const difference = ((a.values[objective.name] as number) - (b.values[objective.name] as number)) * sign;
      if (difference !== 0) return difference;
    }
    return a.id - b.id;
  });
}

/** Whether `left` is at least as good as `right` on every objective and better on one (bounds ignored). */
export function dominatesOnObjectives(
  left: Readonly<Record<string, number>>,
  right: Readonly<Record<string, number>>,
  objectives: readonly Objective[],
): boolean {
  let better = false;
  for (const objective of objectives) {
    const sign = objective.direction === 'maximize' ? 1 : -1;
    const a = (left[objective.name] ?? Number.NaN) * sign;
    const b = (right[objective.name] ?? Number.NaN) * sign;
    if (!(a >= b)) return false;
    if (a > b) better = true;
  }
  return better;
}
