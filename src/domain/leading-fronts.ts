import {
  compareCrowding,
  crowdingDistances,
  dominanceIndexOrder,
  dominates,
  pruneTiedWinners,
  rankedEntry,
  type FrontMember,
  type ObjectiveSettings,
  type Ranked,
  type RankableNode,
} from './objectives.js';

/** What a caller needs of the leading fronts: enough ranks, enough members, and these nodes placed. */
export interface LeadingDemand {
  /** Distinct ranks present (after instance winners moved to rank 0). */
  ranks: number;
  /** Members in all. */
  members: number;
  /** Nodes whose standing is needed (an id not ranked, failed or missing a value, needs nothing). */
  include?: readonly number[];
}

/**
 * The first fronts of a population under several objectives, kept up to date one node at a time
 * (docs/architecture.md, Several objectives), so that a round costs the same at 100,000 nodes as
 * at none: what `paretoRanks` returns, cut after the first `depth` dominance fronts.
 *
 * Inserting a node finds its front by binary search over the kept fronts (if a member of front k
 * dominates it, one of every earlier front does), then moves the members of that front it
 * dominates one front down, and those they dominate in the next one, and so on (an efficient
 * non-domination level update): O(depth · front size) dominance tests. A node dominated by the
 * last kept front, or pushed out of it, joins the unranked rest. Removing a member of a kept front,
 * or asking for more fronts than are kept, rebuilds them from every node: one sort and one pass
 * of the efficient non-dominated sort that stops at `depth` fronts, O(N log N) with one or two
 * objectives. Per-instance winners (rank 0 whatever their fronts) are kept as a running best per
 * instance, recounted only when a winner leaves or feasibility of the population flips; pruning
 * the tied ones is redone over those winners (not over every node) when the members are read.
 */
export class LeadingFronts {
  readonly #settings: ObjectiveSettings;
  readonly #entries = new Map<number, Ranked>();
  /** The kept dominance fronts (instance winners not moved). */
  #fronts: Ranked[][] = [];
  /** Front index of each kept entry. */
  readonly #frontOf = new Map<number, number>();
  /** Every entry is in a kept front. */
  #complete = true;
  /** The kept fronts must be rebuilt from `#entries` before they are read. */
  #stale = true;
  #depth: number;
  #feasible = 0;
  /** Per instance, the best score among the competing entries and who holds it; null = recount. */
  #bests: Map<string, { score: number; ids: Set<number> }> | null = null;
  #cached: FrontMember[] | null = null;

  constructor(settings: ObjectiveSettings, depth: number) {
    this.#settings = settings;
    this.#depth = Math.max(1, depth);
  }

  /** How many ranked nodes it holds (successful, with every objective's value). */
  get size(): number {
    return this.#entries.size;
  }

  /** Adds a node, or replaces the node of the same id; a node that cannot be ranked is only dropped. */
  insert(node: RankableNode): void {
    this.remove(node.id);
    const entry = rankedEntry(node, this.#settings);
    if (entry === null) return;
    this.#entries.set(entry.id, entry);
    this.#cached = null;
    this.#count(entry);
    this.#addToBests(entry);
    if (!this.#stale) this.#place(entry);
  }

  /** Takes a node out; a member of a kept front makes them be rebuilt on the next read. */
  remove(id: number): void {
    const entry = this.#entries.get(id);
    if (entry === undefined) return;
    this.#entries.delete(id);
    this.#cached = null;
    if (entry.violation === 0) {
      this.#feasible--;
      if (this.#feasible === 0) this.#bests = null;
    }
    if (this.#bests !== null && entry.instances.size > 0) {
      for (const [instance] of entry.instances) {
        if (this.#bests.get(instance)?.ids.has(id)) {
          this.#bests = null;
          break;
        }
      }
    }
    if (this.#frontOf.has(id)) this.#stale = true;
  }

  /** Forgets every node. */
  clear(): void {
    this.#entries.clear();
    this.#frontOf.clear();
    this.#fronts = [];
    this.#feasible = 0;
    this.#bests = null;
    this.#cached = null;
    this.#stale = true;
  }

  /**
   * The members of the kept fronts as `paretoRanks` ranks every node (rank, then crowding
   * distance, then id), keeping more fronts until `demand` is met or every node is ranked: the
   * list is then a prefix of `paretoRanks`'s, whole ranks only.
   */
  leading(demand: LeadingDemand): FrontMember[] {
    for (;;) {
      if (this.#stale) this.#rebuild();
      const members = this.#members();
      if (this.#complete || this.#meets(members, demand)) return members;
      this.#depth = Math.max(this.#depth + 1, this.#fronts.length * 2);
      this.#stale = true;
    }
  }

  #meets(members: readonly FrontMember[], demand: LeadingDemand): boolean {
    if (members.length < demand.members) return false;
    let ranks = 0;
    let last = -1;
    for (const member of members) {
      if (member.rank !== last) ranks++;
      last = member.rank;
    }
    if (ranks < demand.ranks) return false;
    if (demand.include === undefined || demand.include.length === 0) return true;
    const placed = new Set(members.map((member) => member.id));
    return demand.include.every((id) => placed.has(id) || !this.#entries.has(id));
  }

  #members(): FrontMember[] {
    if (this.#cached !== null) return this.#cached;
    const wins = this.#winners();
    const groups: Ranked[][] = this.#fronts.map((front) => front.filter((entry) => !wins.has(entry.id)));
    if (groups.length === 0) groups.push([]);
    for (const id of wins.keys()) groups[0]!.push(this.#entries.get(id) as Ranked);
    const members: FrontMember[] = [];
    groups.forEach((group, rank) => {
      const crowding = crowdingDistances(
        group,
        group.map((_, index) => index),
        this.#settings.objectives.length,
      );
      group.forEach((entry, index) => {
        members.push({
          id: entry.id,
          values: entry.values,
          rank,
          crowding: crowding.get(index) as number,
          feasible: entry.violation === 0,
          winsInstances: wins.get(entry.id) ?? [],
        });
      });
    });
    members.sort((a, b) => a.rank - b.rank || compareCrowding(a.crowding, b.crowding) || a.id - b.id);
    this.#cached = members;
    return members;
  }

  /** Each kept instance winner's instances, sorted (as `paretoRanks` finds them, tied winners pruned). */
  #winners(): Map<number, string[]> {
    return pruneTiedWinners(this.#tiedWinners(), this.#entries);
  }

  /** Each tied instance winner's instances, sorted. */
  #tiedWinners(): Map<number, string[]> {
    if (this.#bests === null) {
      this.#bests = new Map();
      for (const entry of this.#entries.values()) this.#addToBests(entry);
    }
    const wins = new Map<number, string[]>();
    for (const [instance, { ids }] of this.#bests) {
      for (const id of ids) {
        const won = wins.get(id);
        if (won === undefined) wins.set(id, [instance]);
        else won.push(instance);
      }
    }
    for (const won of wins.values()) won.sort();
    return wins;
  }

  #count(entry: Ranked): void {
    if (entry.violation !== 0) return;
    this.#feasible++;
    // The first feasible node: only feasible nodes compete for instances from now on.
    if (this.#feasible === 1) this.#bests = null;
  }

  #addToBests(entry: Ranked): void {
    if (this.#bests === null || entry.instances.size === 0) return;
    if (this.#feasible > 0 && entry.violation !== 0) return;
    for (const [instance, score] of entry.instances) {
      const best = this.#bests.get(instance);
      if (best === undefined || score > best.score) this.#bests.set(instance, { score, ids: new Set([entry.id]) });
      else if (score === best.score) best.ids.add(entry.id);
    }
  }

  /** The first kept front none of whose members dominates the entry (`#fronts.length` when all do). */
  #frontFor(entry: Ranked, lastOnly: boolean): number {
    const { outOfBounds } = this.#settings;
    let low = 0;
    let high = this.#fronts.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      const front = this.#fronts[middle] as Ranked[];
      let dominated = false;
      const stop = lastOnly ? front.length - 1 : 0;
      for (let position = front.length - 1; position >= stop; position--) {
        if (dominates(front[position] as Ranked, entry, outOfBounds)) {
          dominated = true;
          break;
        }
      }
      if (dominated) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Puts a new entry into the kept fronts, moving those it now dominates one front down. */
  #place(entry: Ranked): void {
    const { outOfBounds } = this.#settings;
    const index = this.#frontFor(entry, false);
    if (index === this.#fronts.length) {
      if (this.#complete && this.#fronts.length < this.#depth) this.#setFront(this.#fronts.length, [entry]);
      else this.#complete = false;
      return;
    }
    let moved: Ranked[] = [entry];
    for (let front = index; front < this.#fronts.length && moved.length > 0; front++) {
      const members = this.#fronts[front] as Ranked[];
      const pushed: Ranked[] = [];
      const kept: Ranked[] = [];
      for (const member of members) {
        if (moved.some((mover) => dominates(mover, member, outOfBounds))) pushed.push(member);
        else kept.push(member);
      }
      this.#setFront(front, [...kept, ...moved]);
      moved = pushed;
    }
    if (moved.length === 0) return;
    if (this.#complete && this.#fronts.length < this.#depth) this.#setFront(this.#fronts.length, moved);
    else {
      for (const member of moved) this.#frontOf.delete(member.id);
      this.#complete = false;
    }
  }

  #setFront(index: number, members: Ranked[]): void {
    this.#fronts[index] = members;
    for (const member of members) this.#frontOf.set(member.id, index);
  }

  /** The first `#depth` fronts of every entry: the efficient non-dominated sort, stopped there. */
  #rebuild(): void {
    const entries = [...this.#entries.values()];
    const order = dominanceIndexOrder(entries, this.#settings.outOfBounds).map((index) => entries[index] as Ranked);
    // Taken in this order, with one or two objectives a front's latest member is its best on the
    // last objective, so it alone decides whether the front dominates a later entry.
    const lastOnly = this.#settings.objectives.length <= 2;
    this.#fronts = [];
    this.#frontOf.clear();
    this.#complete = true;
    for (const entry of order) {
      const index = this.#frontFor(entry, lastOnly);
      if (index === this.#fronts.length) {
        if (index >= this.#depth) {
          this.#complete = false;
          continue;
        }
        this.#fronts.push([]);
      }
      (this.#fronts[index] as Ranked[]).push(entry);
      this.#frontOf.set(entry.id, index);
    }
    this.#stale = false;
    this.#cached = null;
  }
}
