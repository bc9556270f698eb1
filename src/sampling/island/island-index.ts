import { isEligible, isSuccessful } from '../eligibility.js';
import { NodeSet } from '../node-set.js';
import type { SampleableNode } from '../policy.js';
import { homeIsland, isMember } from './membership.js';

/**
 * What the island policy knows of the stored nodes, indexed per island so that a draw, a
 * migration or a new node costs O(islands · log N) and never a pass over the population.
 * Everything here is derived from the observed nodes and the saved migrant sets, so it is
 * rebuilt on resume rather than saved.
 */
export class IslandIndex {
  /** Every observed node, eligible or not, for rebuilding after a restore. */
  readonly known = new Map<number, SampleableNode>();
  /** Every eligible node: the fallback pool of an island with no eligible member. */
  readonly eligible = new NodeSet({ positions: true, ranking: true });
  /** Eligible members per island: natives, migrants, and the seed (on every island). */
  readonly members: NodeSet[];
  /** Successful natives per island (designed for it), best first: what migration ranks. */
  readonly natives: NodeSet[];
  /** Natives not yet copied to the next island, best first. */
  readonly unmigrated: NodeSet[];

  constructor(
    private readonly numIslands: number,
    private readonly allowFailed: boolean,
  ) {
    const perIsland = (orders: ConstructorParameters<typeof NodeSet>[0]): NodeSet[] =>
      Array.from({ length: numIslands }, () => new NodeSet(orders));
    this.members = perIsland({ positions: true, ranking: true });
    this.natives = perIsland({ ranking: true });
    this.unmigrated = perIsland({ ranking: true });
  }

  /** Files the node (replacing an earlier copy) given each island's migrant ids. */
  add(node: SampleableNode, migrants: readonly ReadonlySet<number>[]): void {
    this.remove(node.id);
    this.known.set(node.id, node);
    if (isEligible(node, this.allowFailed)) {
      this.eligible.put(node);
      for (let island = 0; island < this.numIslands; island++) {
        if (isMember(node, island, this.numIslands, migrants[island] ?? new Set())) this.members[island]?.put(node);
      }
    }
    if (node.island !== null && isSuccessful(node)) {
      const home = homeIsland(node, this.numIslands);
      this.natives[home]?.put(node);
      if (!migrants[(home + 1) % this.numIslands]?.has(node.id)) this.unmigrated[home]?.put(node);
    }
  }

  remove(id: number): void {
    if (!this.known.delete(id)) return;
    this.eligible.delete(id);
    for (const sets of [this.members, this.natives, this.unmigrated]) for (const set of sets) set.delete(id);
  }

  /** Records that `node`, native to `from`, was copied to island `to`. */
  migrated(node: SampleableNode, from: number, to: number): void {
    this.unmigrated[from]?.delete(node.id);
    if (isEligible(node, this.allowFailed)) this.members[to]?.put(node);
  }

  /** Rebuilds every index from the known nodes (after the migrant sets were replaced). */
  rebuild(migrants: readonly ReadonlySet<number>[]): void {
    const nodes = [...this.known.values()].sort((left, right) => left.id - right.id);
    for (const node of nodes) this.remove(node.id);
    for (const node of nodes) this.add(node, migrants);
  }
}
