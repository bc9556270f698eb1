import { OrderedSet } from 'js-sdsl';
import { compareByScore, isEligible, isSuccessful } from './eligibility.js';
import { normaliserOf, ScoreMoments, type FitnessNormalisation } from './fitness.js';
import { IdPositions } from './id-positions.js';
import type { SampleableNode, SamplingPolicy } from './policy.js';

/** Which orders a {@link NodeSet} keeps; each costs O(log N) per change. */
export interface NodeSetOrders {
  /** Id order, for uniform draws by position (`at`). */
  positions?: boolean;
  /** Best first (compareByScore: higher score, then lower id; failed nodes last), with ranks. */
  ranking?: boolean;
}

// Ranks after every successful node and before every failed one (ids are non-negative), so the
// last node before it in the ranking is the worst successful node.
const firstFailedBound: SampleableNode = {
  id: -1,
  step: -1,
  score: null,
  success: false,
  visitCount: 0,
  island: null,
  programLength: 0,
  metrics: {},
};

/**
 * The nodes a policy indexes, kept up to date one node at a time so that no sampling decision
 * reads the whole population: lookup by id O(1); add, replace and delete O(log N); the node at
 * an id-order position, the best k, a node's rank and the fitness normaliser over the
 * successful scores in O(log N + k).
 */
export class NodeSet {
  readonly #nodes = new Map<number, SampleableNode>();
  readonly #positions: IdPositions | null;
  readonly #ranking: OrderedSet<SampleableNode> | null;
  readonly #moments = new ScoreMoments();

  constructor(orders: NodeSetOrders = {}) {
    this.#positions = orders.positions ? new IdPositions() : null;
    this.#ranking = orders.ranking ? new OrderedSet<SampleableNode>([], compareByScore, true) : null;
  }

  get size(): number {
    return this.#nodes.size;
  }

  /** How many of the nodes are successful (scored). */
  get successfulCount(): number {
    return this.#moments.count;
  }

  has(id: number): boolean {
    return this.#nodes.has(id);
  }

  get(id: number): SampleableNode | undefined {
    return this.#nodes.get(id);
  }

  /** The nodes in the order they were first put. */
  values(): IterableIterator<SampleableNode> {
    return this.#nodes.values();
  }

  /** Adds the node, or replaces the node with its id (e.g. with a new visit count). */
  put(node: SampleableNode): void {
    const previous = this.#nodes.get(node.id);
    if (previous === node) return;
    if (previous !== undefined) this.#unindex(previous);
    this.#nodes.set(node.id, node);
    this.#positions?.add(node.id);
    this.#ranking?.insert(node);
    if (isSuccessful(node)) this.#moments.add(node.score as number);
  }

  /** Removes the node with this id; false when absent. */
  delete(id: number): boolean {
    const node = this.#nodes.get(id);
    if (node === undefined) return false;
    this.#unindex(node);
    this.#positions?.delete(id);
    this.#nodes.delete(id);
    return true;
  }

  /** The node at `position` in id order (0 = lowest id). Needs `positions`. */
  at(position: number): SampleableNode {
    const id = requireOrder(this.#positions, 'positions').at(position);
    return this.#nodes.get(id) as SampleableNode;
  }

  /** Nodes best first, lazily. Needs `ranking`. */
  *bestFirst(): IterableIterator<SampleableNode> {
    const ranking = requireOrder(this.#ranking, 'ranking');
    const end = ranking.end();
    for (const cursor = ranking.begin(); !cursor.equals(end); cursor.next()) yield cursor.pointer;
  }

  /** The best `count` nodes, best first. Needs `ranking`. */
  best(count: number): SampleableNode[] {
    const best: SampleableNode[] = [];
    if (count <= 0) return best;
    for (const node of this.bestFirst()) {
      best.push(node);
      if (best.length >= count) break;
    }
    return best;
  }

  /** How many nodes rank before this one (0 = best); -1 when absent. Needs `ranking`. */
  rankOf(node: SampleableNode): number {
    const ranking = requireOrder(this.#ranking, 'ranking');
    const stored = this.#nodes.get(node.id);
    if (stored === undefined) return -1;
    return ranking.find(stored).index;
  }

  /** The normaliser of `kind` over the successful scores (min-max bounds need `ranking`). */
  normaliser(kind: FitnessNormalisation): (score: number) => number {
    const moments = this.#moments;
    let minimum = Number.NaN;
    let maximum = Number.NaN;
    if (kind === 'min-max' && moments.count > 0) {
      const ranking = requireOrder(this.#ranking, 'ranking');
      maximum = (ranking.front() as SampleableNode).score as number;
      minimum = ranking.reverseLowerBound(firstFailedBound).pointer.score as number;
    }
    return normaliserOf(kind, {
      count: moments.count,
      minimum,
      maximum,
      mean: moments.mean,
      variance: moments.variance,
    });
  }

  #unindex(node: SampleableNode): void {
    this.#ranking?.eraseElementByKey(node);
    if (isSuccessful(node)) this.#moments.remove(node.score as number);
  }
}

function requireOrder<T>(order: T | null, name: string): T {
  if (order === null) throw new Error(`This NodeSet was built without the \`${name}\` order`);
  return order;
}

/** observe() and forget() that keep `set` holding exactly the eligible nodes. */
export function eligibleNodes(set: NodeSet, allowFailed: boolean): Pick<SamplingPolicy, 'observe' | 'forget'> {
  return {
    observe: (node) => {
      if (isEligible(node, allowFailed)) set.put(node);
    },
    forget: (id) => {
      set.delete(id);
    },
  };
}
