import { describe, expect, it } from 'vitest';
import { AsiEvolveError } from '../../errors.js';
import { createRandom } from '../../random.js';
import type { JsonObject } from '../../domain/index.js';
import type { SampleableNode, SamplingPolicy } from '../policy.js';
import { makeNode, runPolicyCases } from '../policy.case.test.js';
import { createIslandPolicy, type IslandOptions } from './index.js';

runPolicyCases('island', ({ allowFailed }) => createIslandPolicy({ numIslands: 3, migrationInterval: 2, allowFailed }));
runPolicyCases('island (metric features, sigmoid fitness)', ({ allowFailed }) =>
  createIslandPolicy({
    numIslands: 2,
    migrationInterval: 1,
    migrationRate: 0.5,
    featureDimensions: ['accuracy', 'complexity'],
    featureBins: 3,
    normalisation: 'sigmoid',
    allowFailed,
  }),
);

function observed(options: IslandOptions, nodes: SampleableNode[]): SamplingPolicy {
  const policy = createIslandPolicy(options);
  for (const node of nodes) policy.observe(node);
  return policy;
}

/** Every eligible member of the island served next: uniform draws of more nodes than exist. */
function membersOfNext(policy: SamplingPolicy): { island: number | null; ids: number[] } {
  const selection = policy.select({ n: 100, random: createRandom(1) });
  return {
    island: selection.island,
    ids: selection.context.map((node) => node.id).sort((left, right) => left - right),
  };
}

function archiveOf(policy: SamplingPolicy, island: number): unknown[] {
  const islands = (policy.state() as JsonObject).islands as JsonObject[];
  return islands[island]?.archive as unknown[];
}

function migrantsOf(policy: SamplingPolicy, island: number): unknown[] {
  const islands = (policy.state() as JsonObject).islands as JsonObject[];
  return islands[island]?.migrants as unknown[];
}

describe('island policy', () => {
  const uniform = { explorationRatio: 1, exploitationRatio: 0 };

  it('serves islands round-robin and returns the island with the selection', () => {
    const nodes = [makeNode({ id: 0 })];
    const policy = observed({ numIslands: 3 }, nodes);
    const islands = Array.from({ length: 7 }, () => policy.select({ n: 1, random: createRandom(1) }).island);
    expect(islands).toEqual([0, 1, 2, 0, 1, 2, 0]);
  });

  it('references the seed from every island and files new nodes on their own island', () => {
    const nodes = [
      makeNode({ id: 0, island: null }),
      makeNode({ id: 1, island: 0 }),
      makeNode({ id: 2, island: 1 }),
      makeNode({ id: 3, island: 1, success: false, score: null }),
      makeNode({ id: 4, island: 5 }), // from a run with more islands: 5 mod 3 = 2
    ];
    const policy = observed({ numIslands: 3, ...uniform }, nodes);
    expect(membersOfNext(policy)).toEqual({ island: 0, ids: [0, 1] });
    expect(membersOfNext(policy)).toEqual({ island: 1, ids: [0, 2] });
    expect(membersOfNext(policy)).toEqual({ island: 2, ids: [0, 4] });
  });

  it('falls back to every eligible node when its island has none', () => {
    const nodes = [makeNode({ id: 0, success: false, score: null }), makeNode({ id: 1, island: 0 })];
    const policy = observed({ numIslands: 2 }, nodes);
    expect(policy.select({ n: 2, random: createRandom(1) }).parent?.id).toBe(1);
    const second = policy.select({ n: 2, random: createRandom(1) });
    expect(second.island).toBe(1);
    expect(second.parent?.id).toBe(1);
  });

  it('replaces a MAP-Elites cell occupant only with a strictly better node, and skips nodes without the feature', () => {
    const options = { numIslands: 1, featureDimensions: ['accuracy'], featureBins: 2 };
    const policy = createIslandPolicy(options);
    policy.observe(makeNode({ id: 0, score: 5, metrics: { accuracy: 0 } }));
    policy.observe(makeNode({ id: 1, score: 9, metrics: { accuracy: 1 } }));
    expect(archiveOf(policy, 0)).toEqual([
      ['0', 0, 5],
      ['1', 1, 9],
    ]);
    policy.observe(makeNode({ id: 2, island: 0, score: 5, metrics: { accuracy: 0.1 } }));
    policy.observe(makeNode({ id: 3, island: 0, score: 4, metrics: { accuracy: 0.2 } }));
    policy.observe(makeNode({ id: 4, island: 0, score: 50 })); // no accuracy: not in the grid
    policy.observe(makeNode({ id: 5, island: 0, score: 60, success: false, metrics: { accuracy: 0 } }));
    expect(archiveOf(policy, 0)).toEqual([
      ['0', 0, 5],
      ['1', 1, 9],
    ]);
    policy.observe(makeNode({ id: 6, island: 0, score: 5.5, metrics: { accuracy: 0.3 } }));
    expect(archiveOf(policy, 0)).toEqual([
      ['0', 6, 5.5],
      ['1', 1, 9],
    ]);
  });

  it('draws only elites when exploitation is certain', () => {
    const nodes = [
      makeNode({ id: 0, score: 1, metrics: { accuracy: 0 } }),
      makeNode({ id: 1, island: 0, score: 3, metrics: { accuracy: 1 } }),
      makeNode({ id: 2, island: 0, score: 2, metrics: { accuracy: 0.1 } }), // displaces node 0
      makeNode({ id: 3, island: 0, score: 100 }),
    ];
    const options = {
      numIslands: 1,
      featureDimensions: ['accuracy'],
      featureBins: 2,
      explorationRatio: 0,
      exploitationRatio: 1,
    };
    const policy = observed(options, nodes);
    for (let seed = 0; seed < 20; seed++) {
      const ids = policy.select({ n: 2, random: createRandom(seed) }).context.map((node) => node.id);
      expect(new Set(ids)).toEqual(new Set([1, 2]));
    }
  });

  it('migrates the top of island i to island i+1 every migration interval, without duplicates or re-migration', () => {
    const nodes = [
      makeNode({ id: 0, score: 1, island: null }),
      makeNode({ id: 1, score: 9, island: 0 }),
      makeNode({ id: 2, score: 2, island: 0 }),
      makeNode({ id: 3, score: 5, island: 1 }),
    ];
    const policy = observed({ numIslands: 3, migrationInterval: 2, migrationRate: 0.5, ...uniform }, nodes);
    const select = (): ReturnType<typeof membersOfNext> => membersOfNext(policy);
    for (let round = 0; round < 6; round++) select(); // two generations: no migration yet
    expect([migrantsOf(policy, 1), migrantsOf(policy, 2)]).toEqual([[], []]);

    expect(select()).toEqual({ island: 0, ids: [0, 1, 2] }); // migration ran before this draw
    expect(migrantsOf(policy, 0)).toEqual([]);
    expect(migrantsOf(policy, 1)).toEqual([1]);
    expect(migrantsOf(policy, 2)).toEqual([3]);
    expect(select()).toEqual({ island: 1, ids: [0, 1, 3] });
    expect(select()).toEqual({ island: 2, ids: [0, 3] });

    for (let round = 0; round < 3; round++) select();
    // Next migration: node 1 (best on island 1, but a migrant there) does not move on to island 2.
    expect(select()).toEqual({ island: 0, ids: [0, 1, 2] });
    expect(migrantsOf(policy, 1)).toEqual([1]);
    expect(migrantsOf(policy, 2)).toEqual([3]);
    expect(migrantsOf(policy, 0)).toEqual([]);
  });

  it('drops an evicted node from its island, its elite cell and the migrant lists', () => {
    const options = {
      numIslands: 2,
      featureDimensions: ['accuracy'],
      featureBins: 2,
      migrationInterval: 1,
      migrationRate: 1,
      ...uniform,
    };
    const nodes = [
      makeNode({ id: 0, score: 1, metrics: { accuracy: 0 } }),
      makeNode({ id: 1, island: 0, score: 9, metrics: { accuracy: 1 } }),
      makeNode({ id: 2, island: 0, score: 3, metrics: { accuracy: 0.9 } }),
    ];
    const policy = observed(options, nodes);
    membersOfNext(policy);
    membersOfNext(policy);
    expect(membersOfNext(policy)).toEqual({ island: 0, ids: [0, 1, 2] }); // migration ran: 1 and 2 are on island 1 too
    expect(migrantsOf(policy, 1)).toEqual([1, 2]);
    expect(archiveOf(policy, 0)).toEqual([
      ['0', 0, 1],
      ['1', 1, 9],
    ]);

    policy.forget(1);
    expect(migrantsOf(policy, 1)).toEqual([2]);
    expect(archiveOf(policy, 0)).toEqual([['0', 0, 1]]);
    expect(membersOfNext(policy)).toEqual({ island: 1, ids: [0, 2] });
    expect(membersOfNext(policy)).toEqual({ island: 0, ids: [0, 2] });
    // The freed cell takes the next node that falls in it, even a weaker one.
    policy.observe(makeNode({ id: 3, island: 0, score: 2, metrics: { accuracy: 0.95 } }));
    expect(archiveOf(policy, 0)).toEqual([
      ['0', 0, 1],
      ['1', 3, 2],
    ]);
  });

  it('refuses to resume under another grid, naming the key', () => {
    const saved = createIslandPolicy({ numIslands: 3 }).state();
    const other = createIslandPolicy({ numIslands: 4 });
    let error: unknown;
    try {
      other.restore(saved);
    } catch (caught) {
      error = caught;
    }
    expect(AsiEvolveError.isInstance(error) && [error.code, error.key]).toEqual([
      'CONFIG_INVALID',
      'database.sampling.island.num_islands',
    ]);
    expect(() =>
      createIslandPolicy({ featureBins: 4 }).restore(createIslandPolicy({ featureBins: 5 }).state()),
    ).toThrow('feature_bins');
  });

  it('rejects ratios that add up to more than 1', () => {
    expect(() => createIslandPolicy({ explorationRatio: 0.7, exploitationRatio: 0.5 })).toThrow(
      'Expected `exploration_ratio + exploitation_ratio` to be at most 1',
    );
  });
});
