import { compareByScore, isSuccessful } from '../eligibility.js';
import type { SampleableNode } from '../policy.js';
import { topK } from '../top-k.js';
import { homeIsland } from './membership.js';

/** A node copied (by id) onto another island. */
export interface Migration {
  node: SampleableNode;
  from: number;
  to: number;
}

/**
 * Ring migration: from each island i, the best `rate` fraction (at least one node when rate > 0)
 * of its native successful nodes — designed for island i, so never a migrant and never the
 * seed, which every island already holds — is copied to island (i + 1) mod k by adding its id
 * to that island's `migrants`. A node the target already holds is skipped, so nothing is
 * duplicated. Mutates `migrants` and returns the migrations made.
 *
 * Cost: one pass over the nodes plus a partial top-m per island.
 */
export function migrateRing(
  nodes: readonly SampleableNode[],
  numIslands: number,
  rate: number,
  migrants: Set<number>[],
): Migration[] {
  if (rate <= 0 || numIslands < 2) return [];
  const natives: SampleableNode[][] = Array.from({ length: numIslands }, () => []);
  for (const node of nodes) {
    if (node.island === null || !isSuccessful(node)) continue;
    natives[homeIsland(node, numIslands)]?.push(node);
  }
  const migrations: Migration[] = [];
  natives.forEach((members, from) => {
    if (members.length === 0) return;
    const count = Math.max(1, Math.floor(members.length * rate));
    const to = (from + 1) % numIslands;
    const target = migrants[to] as Set<number>;
    for (const node of topK(members, count, compareByScore)) {
      if (target.has(node.id)) continue;
      migrations.push({ node, from, to });
    }
  });
  // Applied after planning, so one round's migrants are never candidates in the same round.
  for (const migration of migrations) migrants[migration.to]?.add(migration.node.id);
  return migrations;
}
