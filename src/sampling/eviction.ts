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

const successful = (node: EvictionCandidate): boolean => node.success && node.score !== null && Number.isFinite(node.score);

/** Negative when `left` is worse, i.e. evicted first: failed first, then lower score, then older (lower id). */
export function compareWorstFirst(left: EvictionCandidate, right: EvictionCandidate): number {
  const leftOk = successful(left);
  const rightOk = successful(right);
  if (leftOk !== rightOk) return leftOk ? 1 : -1;
  if (leftOk && left.score !== right.score) return (left.score as number) - (right.score as number);
  return left.id - right.id;
}

/** A binary min-heap under `compare`. */
class Heap<T> {
  readonly #items: T[] = [];
  constructor(readonly compare: (left: T, right: T) => number) {}

  get size(): number {
    return this.#items.length;
  }

  push(item: T): void {
    const items = this.#items;
    items.push(item);
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.compare(items[index] as T, items[parent] as T) >= 0) break;
      [items[index], items[parent]] = [items[parent] as T, items[index] as T];
      index = parent;
    }
  }

  pop(): T | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < items.length && this.compare(items[left] as T, items[smallest] as T) < 0) smallest = left;
      if (right < items.length && this.compare(items[right] as T, items[smallest] as T) < 0) smallest = right;
      if (smallest === index) return top;
      [items[index], items[smallest]] = [items[smallest] as T, items[index] as T];
      index = smallest;
    }
  }
}

/**
 * The nodes to delete so that at most `maxSize` remain (`database.max_size`), worst first:
 * failed nodes first (oldest first), then the lowest scores, then the oldest. Never evicted:
 * the best node (`bestId`, and the best of `nodes`), a node that is the first parent of a node
 * that stays (lineages stay whole; once all its children are evicted a parent may go too), and
 * a node sampled by a round in flight. Returns fewer ids than needed when too few nodes may go.
 *
 * Cost: O(N + k·log N) for N nodes and k evictions (one pass to count children, a heap of the
 * evictable leaves).
 * @example
 * const ids = selectEvictions({ nodes, maxSize: 1000, inFlightIds: [3, 7], bestId: best.id });
 * store.deleteNodes(ids);
 */
export function selectEvictions(options: EvictionOptions): number[] {
  const { nodes, maxSize } = options;
  if (maxSize === null) return [];
  if (!Number.isInteger(maxSize) || maxSize < 1) {
    throw new AsiEvolveError('CONFIG_INVALID', `Expected \`database.max_size\` to be a positive integer or null, got ${JSON.stringify(maxSize)}`, {
      key: 'database.max_size',
    });
  }
  const excess = nodes.length - maxSize;
  if (excess <= 0) return [];

  const byId = new Map<number, EvictionCandidate>();
  for (const node of nodes) byId.set(node.id, node);
  const children = new Map<number, number>();
  for (const node of nodes) {
    const parent = node.parentIds[0];
    if (parent !== undefined && parent !== node.id && byId.has(parent)) children.set(parent, (children.get(parent) ?? 0) + 1);
  }
  const spared = new Set<number>(options.inFlightIds ?? []);
  if (options.bestId !== undefined && options.bestId !== null) spared.add(options.bestId);
  let best: EvictionCandidate | undefined;
  for (const node of nodes) {
    if (!successful(node)) continue;
    // The same rule as the store's best node: the highest score, ties to the lowest id.
    if (best === undefined || (node.score as number) > (best.score as number) || (node.score === best.score && node.id < best.id)) best = node;
  }
  if (best !== undefined) spared.add(best.id);

  const evictable = new Heap<EvictionCandidate>(compareWorstFirst);
  for (const node of nodes) if (!spared.has(node.id) && !children.has(node.id)) evictable.push(node);
  const evicted: number[] = [];
  while (evicted.length < excess && evictable.size > 0) {
    const node = evictable.pop() as EvictionCandidate;
    evicted.push(node.id);
    const parentId = node.parentIds[0];
    if (parentId === undefined || parentId === node.id) continue;
    const remaining = (children.get(parentId) ?? 0) - 1;
    if (remaining > 0) {
      children.set(parentId, remaining);
      continue;
    }
    if (!children.delete(parentId)) continue;
    const parent = byId.get(parentId);
    if (parent !== undefined && !spared.has(parentId)) evictable.push(parent);
  }
  return evicted;
}
