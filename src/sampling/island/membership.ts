import type { SampleableNode } from '../policy.js';

/**
 * The island a node was designed for, folded into [0, numIslands) (a node from a run with more
 * islands lands on `island mod numIslands`). Nodes without an island (the seed) belong to island 0.
 */
export function homeIsland(node: SampleableNode, numIslands: number): number {
  if (node.island === null || !Number.isFinite(node.island)) return 0;
  const island = Math.floor(node.island) % numIslands;
  return island < 0 ? island + numIslands : island;
}

/**
 * True when the node is a member of `island`: designed for it, copied there by migration, or
 * without an island at all (the seed is referenced by every island, by id, never duplicated).
 */
export function isMember(
  node: SampleableNode,
  island: number,
  numIslands: number,
  migrants: ReadonlySet<number>,
): boolean {
  return node.island === null || homeIsland(node, numIslands) === island || migrants.has(node.id);
}
