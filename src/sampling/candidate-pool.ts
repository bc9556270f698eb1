import { compareByScore, isEligible } from './eligibility.js';
import type { SampleableNode, SamplingPolicy, Selection, SelectOptions } from './policy.js';
import { corruptState, readCount, readIds, readPolicyState, stateVersion } from './policy-state.js';
import { NodeSet } from './node-set.js';
import { drawWithoutReplacement } from './random-policy.js';
import { emptySelection, selectionOf, selectionSize } from './selection.js';
import { expectPositiveInteger } from './validate.js';

/** Options of the candidate pool (`database.sampling.pool`). */
export interface CandidatePoolOptions {
  /** Nodes kept in the pool (P). @default 50 */
  poolSize?: number;
  /** New nodes observed between refreshes (R). @default 10 */
  refreshInterval?: number;
  /** The parent is drawn from the pool's best `parentTopK`. @default 10 */
  parentTopK?: number;
  /** Let failed nodes into the pool (they rank below every successful node). @default false */
  allowFailed?: boolean;
}

/**
 * The paper's candidate pool: the best P nodes, frozen between refreshes. A refresh is due once
 * R new nodes have been observed since the last one (or when no pool member can be sampled, as
 * at the start); it happens at the next select(), from the nodes observed by then. The parent is
 * drawn uniformly from the pool's best k, the other context nodes uniformly from the rest of the
 * pool. Nodes created between refreshes wait for the next one; evicted members leave the pool.
 *
 * Cost: select() O(P·log P) plus O(P + log N) on refresh (the best P of a best-first index),
 * independent of the N stored nodes; observe() and forget() O(log N).
 * State: the member ids, the refresh counter and the last observed id.
 * @example
 * const policy = createCandidatePoolPolicy({ poolSize: 50, refreshInterval: 10, parentTopK: 10 });
 */
export function createCandidatePoolPolicy(options: CandidatePoolOptions = {}): SamplingPolicy {
  const poolSize = options.poolSize ?? 50;
  const refreshInterval = options.refreshInterval ?? 10;
  const parentTopK = options.parentTopK ?? 10;
  const allowFailed = options.allowFailed ?? false;
  expectPositiveInteger('poolSize', poolSize);
  expectPositiveInteger('refreshInterval', refreshInterval);
  expectPositiveInteger('parentTopK', parentTopK);
  const name = 'pool';

  const eligible = new NodeSet({ ranking: true });
  let members = new Set<number>();
  let observedSinceRefresh = 0;
  let lastObservedId: number | null = null;

  function refresh(): void {
    members = new Set(eligible.best(poolSize).map((node) => node.id));
    observedSinceRefresh = 0;
  }

  function poolNodes(): SampleableNode[] {
    const present: SampleableNode[] = [];
    for (const id of members) {
      const node = eligible.get(id);
      if (node !== undefined) present.push(node);
    }
    return present.sort(compareByScore);
  }

  function select({ n, random }: SelectOptions): Selection {
    const size = selectionSize(n);
    let refreshed = false;
    if (observedSinceRefresh >= refreshInterval) {
      refresh();
      refreshed = true;
    }
    let pool = poolNodes();
    if (pool.length === 0 && !refreshed) {
      refresh();
      pool = poolNodes();
    }
    if (pool.length === 0 || size === 0) return emptySelection();
    const parentIndex = random.int(Math.min(parentTopK, pool.length));
    const parent = pool[parentIndex] as SampleableNode;
    const references = pool.filter((_, index) => index !== parentIndex);
    return selectionOf([parent, ...drawWithoutReplacement(references, size - 1, random)]);
  }

  function observe(node: SampleableNode): void {
    if (isEligible(node, allowFailed)) eligible.put(node);
    if (lastObservedId !== null && node.id <= lastObservedId) return;
    lastObservedId = node.id;
    observedSinceRefresh++;
  }

  return {
    name,
    select,
    observe,
    forget: (id) => {
      eligible.delete(id);
    },
    state: () => ({
      policy: name,
      version: stateVersion,
      members: [...members],
      observedSinceRefresh,
      lastObservedId,
    }),
    restore: (state) => {
      const saved = readPolicyState(state, name);
      if (saved === null) return;
      const last = saved.lastObservedId;
      if (last !== null && (typeof last !== 'number' || !Number.isInteger(last))) {
        throw corruptState(name, '`lastObservedId` is not a node id');
      }
      members = new Set(readIds(saved.members, 'members', name));
      observedSinceRefresh = readCount(saved, 'observedSinceRefresh', name);
      lastObservedId = last ?? null;
    },
  };
}
