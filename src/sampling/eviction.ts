import { OrderedSet } from 'js-sdsl';
import { AsiEvolveError } from '../errors.js';

/** What eviction needs to know of a stored node. */
export interface EvictionCandidate {
  readonly id: number;
  readonly score: number | null;
  readonly success: boolean;
  /** Sampled node ids of the round that made it; the first is its parent. */
  readonly parentIds: readonly number[];
}

/** Options of {@link selectEvictions}. */
export interface EvictionOptions {
  /** Every stored node. */
  nodes: readonly EvictionCandidate[];
  /** `database.max_size`; null = unbounded (nothing is evicted). */
  maxSize: number | null;
  /** Nodes sampled by rounds still in flight: never evicted. */
  inFlightIds?: Iterable<number>;
  /** The run's best node: never evicted (the best of `nodes` is spared in any case). */
  bestId?: number | null;
}

const successful = (node: EvictionCandidate): boolean =>
  node.success && node.score !== null && Number.isFinite(node.score);

/** Negative when `left` is worse, i.e. evicted first: failed first, then lower score, then older (lower id). */
export function compareWorstFirst(left: EvictionCandidate, right: EvictionCandidate): number {
  const leftOk = successful(left);
  const rightOk = successful(right);
  if (leftOk !== rightOk) return leftOk ? 1 : -1;
  if (leftOk && left.score !== right.score) return (left.score as number) - (right.score as number);
  return left.id - right.id;
}

/**
 * The evictable order of the stored nodes, kept up to date node by node so that evicting costs
 * O(log N) per node instead of a pass over the population: every node that is nobody's first
 * parent (a leaf of the lineage tree), worst first. Evicting a leaf may make its parent a leaf.
 */
export class EvictionIndex {
  readonly #nodes = new Map<number, EvictionCandidate>();
  /** Live children per first parent. */
  readonly #children = new Map<number, number>();
  readonly #leaves = new OrderedSet<EvictionCandidate>([], compareWorstFirst);

  /** An index of `nodes`, in any order. */
  static from(nodes: Iterable<EvictionCandidate>): EvictionIndex {
    const index = new EvictionIndex();
    const all = [...nodes];
    for (const node of all) index.#nodes.set(node.id, node);
    for (const node of all) {
      const parent = index.#firstParent(node);
      if (parent !== undefined) index.#children.set(parent, (index.#children.get(parent) ?? 0) + 1);
    }
    for (const node of all) if (!index.#children.has(node.id)) index.#leaves.insert(node);
    return index;
  }

  get size(): number {
    return this.#nodes.size;
  }

  /** Adds a new node; its first parent, if stored, stops being evictable. */
  add(node: EvictionCandidate): void {
    if (this.#nodes.has(node.id)) return;
    this.#nodes.set(node.id, node);
    const parent = this.#firstParent(node);
    if (parent !== undefined) {
      const count = this.#children.get(parent) ?? 0;
      if (count === 0) this.#leaves.eraseElementByKey(this.#nodes.get(parent) as EvictionCandidate);
      this.#children.set(parent, count + 1);
    }
    if (!this.#children.has(node.id)) this.#leaves.insert(node);
  }

  /** Removes a node; a parent left without children becomes evictable. */
  delete(id: number): void {
    const node = this.#nodes.get(id);
    if (node === undefined) return;
    this.#leaves.eraseElementByKey(node);
    this.#children.delete(id);
    this.#nodes.delete(id);
    const parent = this.#firstParent(node);
    if (parent === undefined) return;
    const remaining = (this.#children.get(parent) ?? 0) - 1;
    if (remaining > 0) {
      this.#children.set(parent, remaining);
      return;
    }
    this.#children.delete(parent);
    this.#leaves.insert(this.#nodes.get(parent) as EvictionCandidate);
  }

  /**
   * Chooses and removes up to `count` nodes, worst first, never one in `spared`.
   * Cost: O(count · (log N + |spared|)).
   */
  evict(count: number, spared: ReadonlySet<number>): number[] {
    const evicted: number[] = [];
    while (evicted.length < count) {
      let victim: EvictionCandidate | undefined;
      const end = this.#leaves.end();
      for (const cursor = this.#leaves.begin(); !cursor.equals(end); cursor.next()) {
        if (!spared.has(cursor.pointer.id)) {
          victim = cursor.pointer;
          break;
        }
      }
      if (victim === undefined) break;
      this.delete(victim.id);
      evicted.push(victim.id);
    }
    return evicted;
  }

  #firstParent(node: EvictionCandidate): number | undefined {
    const parent = node.parentIds[0];
    return parent !== undefined && parent !== node.id && this.#nodes.has(parent) ? parent : undefined;
  }
}

/** Checks `database.max_size`: a positive integer, or null for no bound. */
export function checkMaxSize(maxSize: number | null): void {
  if (maxSize === null || (Number.isInteger(maxSize) && maxSize >= 1)) return;
  throw new AsiEvolveError(
    'CONFIG_INVALID',
    `Expected \`database.max_size\` to be a positive integer or null, got ${JSON.stringify(maxSize)}`,
    {
      key: 'database.max_size',
    },
  );
}

/**
 * The nodes to delete so that at most `maxSize` remain (`database.max_size`), worst first:
 * failed nodes first (oldest first), then the lowest scores, then the oldest. Never evicted:
 * the best node (`bestId`, and the best of `nodes`), a node that is the first parent of a node
 * that stays (lineages stay whole; once all its children are evicted a parent may go too), and
 * a node sampled by a round in flight. Returns fewer ids than needed when too few nodes may go.
 *
 * Cost: O(N·log N) to index the nodes; a run keeps an {@link EvictionIndex} instead, so each
 * round pays only for the nodes it evicts.
 * @example
 * const ids = selectEvictions({ nodes, maxSize: 1000, inFlightIds: [3, 7], bestId: best.id });
 * store.deleteNodes(ids);
 */
export function selectEvictions(options: EvictionOptions): number[] {
  const { nodes, maxSize } = options;
  checkMaxSize(maxSize);
  if (maxSize === null) return [];
  const excess = nodes.length - maxSize;
  if (excess <= 0) return [];
  const spared = new Set<number>(options.inFlightIds ?? []);
  if (options.bestId !== undefined && options.bestId !== null) spared.add(options.bestId);
  let best: EvictionCandidate | undefined;
  for (const node of nodes) {
    if (!successful(node)) continue;
    // The same rule as the store's best node: the highest score, ties to the lowest id.
    if (
      best === undefined ||
      (node.score as number) > (best.score as number) ||
      (node.score === best.score && node.id < best.id)
    )
      best = node;
  }
  if (best !== undefined) spared.add(best.id);
  return EvictionIndex.from(nodes).evict(excess, spared);
}
