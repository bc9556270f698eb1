import { describe, expect, it } from 'vitest';
import type { SampleableNode } from '../policy.js';
import { makeNode } from '../policy.case.test.js';
import { IslandIndex } from './island-index.js';
import { planMigrations, type Migration } from './migration.js';

/** Plans and applies one migration as the island policy does, from an index of `nodes`. */
function migrateRing(
  nodes: readonly SampleableNode[],
  numIslands: number,
  rate: number,
  migrants: Set<number>[],
): Migration[] {
  const index = new IslandIndex(numIslands, false);
  for (const node of nodes) index.add(node, migrants);
  const migrations = planMigrations(index, numIslands, rate);
  for (const { node, from, to } of migrations) {
    migrants[to]?.add(node.id);
    index.migrated(node, from, to);
  }
  return migrations;
}

describe('ring migration', () => {
  const nodes = [
    makeNode({ id: 0, score: 100, island: null }),
    makeNode({ id: 1, score: 9, island: 0 }),
    makeNode({ id: 2, score: 3, island: 0 }),
    makeNode({ id: 3, score: 7, island: 0 }),
    makeNode({ id: 4, score: 8, island: 0, success: false }),
    makeNode({ id: 5, score: 1, island: 1 }),
    makeNode({ id: 6, score: 2, island: 1 }),
  ];

  it('copies the top fraction of each island to the next, by id', () => {
    const migrants = [new Set<number>(), new Set<number>(), new Set<number>()];
    const migrations = migrateRing(nodes, 3, 0.67, migrants);
    // Island 0 has 3 successful natives → 2 migrate (never the seed or the failed node);
    // island 1 has 2 → 1 migrates; island 2 has none.
    expect(migrations.map((migration) => [migration.node.id, migration.from, migration.to])).toEqual([
      [1, 0, 1],
      [3, 0, 1],
      [6, 1, 2],
    ]);
    expect(migrants).toEqual([new Set(), new Set([1, 3]), new Set([6])]);
  });

  it('never duplicates an id and never re-migrates a migrant', () => {
    const migrants = [new Set<number>(), new Set<number>(), new Set<number>()];
    migrateRing(nodes, 3, 0.34, migrants);
    expect(migrants).toEqual([new Set(), new Set([1]), new Set([6])]);
    // Node 1 is now the best on island 1, but it is a migrant there: it stays put; island 0's top
    // is already on island 1, so nothing is added twice.
    expect(migrateRing(nodes, 3, 0.34, migrants)).toEqual([]);
    expect(migrants).toEqual([new Set(), new Set([1]), new Set([6])]);
  });

  it('migrates at least one node per island when the rate is positive, none when it is zero', () => {
    const fresh = (): Set<number>[] => [new Set(), new Set()];
    expect(migrateRing(nodes.slice(0, 3), 2, 0.01, fresh()).map((migration) => migration.node.id)).toEqual([1]);
    expect(migrateRing(nodes, 2, 0, fresh())).toEqual([]);
    expect(migrateRing(nodes, 1, 1, [new Set()])).toEqual([]);
  });
});
