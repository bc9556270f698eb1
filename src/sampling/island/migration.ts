import type { SampleableNode } from '../policy.js';
import type { IslandIndex } from './island-index.js';

/** A node copied (by id) onto another island. */
export interface Migration {
  node: SampleableNode;
  from: number;
  to: number;
}

/**
 * Ring migration: from each island i, the best `rate` fraction (at least one node when rate > 0)
 * of its successful natives — designed for island i, so never a migrant and never the seed,
 * which every island already holds — is copied to island (i + 1) mod k. A node already copied is
 * skipped, so nothing is duplicated. Returns the migrations to make; the caller applies them
 * after planning, so one round's migrants are never candidates in the same round.
 *
 * Cost: O(m · log N) for the m nodes that move, plus O(log N) per island: the not-yet-migrated
 * natives are walked best first, and the walk stops at the first whose rank among all natives
 * is outside the top fraction.
 */
export function planMigrations(index: IslandIndex, numIslands: number, rate: number): Migration[] {
  if (rate <= 0 || numIslands < 2) return [];
  const migrations: Migration[] = [];
  for (let from = 0; from < numIslands; from++) {
    const natives = index.natives[from];
    const unmigrated = index.unmigrated[from];
    if (natives === undefined || unmigrated === undefined || natives.size === 0) continue;
    const count = Math.max(1, Math.floor(natives.size * rate));
    const to = (from + 1) % numIslands;
    for (const node of unmigrated.bestFirst()) {
      if (natives.rankOf(node) >= count) break;
      migrations.push({ node, from, to });
    }
  }
  return migrations;
}
