import { describe, expect, it } from 'vitest';
import { paretoRanks, type ObjectiveSettings } from '../domain/index.js';
import { createRandom } from '../random.js';
import { createParetoPolicy } from './pareto.js';
import type { SampleableNode } from './policy.js';
import { makeNode, observing, runPolicyCases } from './policy.case.test.js';

const accuracyAndTime: ObjectiveSettings = {
  objectives: [
    { name: 'accuracy', direction: 'maximize' },
    { name: 'seconds', direction: 'minimize' },
  ],
  outOfBounds: 'infeasible',
};

runPolicyCases('pareto on a bounded objective', ({ allowFailed }) =>
  createParetoPolicy({
    objectives: { objectives: [{ name: 'accuracy', direction: 'maximize', min: 0.3 }], outOfBounds: 'dominated' },
    allowFailed,
  }),
);
runPolicyCases('pareto with islands', ({ allowFailed }) =>
  createParetoPolicy({
    objectives: { objectives: [{ name: 'accuracy', direction: 'maximize' }], outOfBounds: 'infeasible' },
    islands: 3,
    migrationInterval: 2,
    allowFailed,
  }),
);

/** A trade-off: 1, 2, 3 are the front; 4 and 5 are dominated; 6 has no time. */
const tradeOff = [
  makeNode({ id: 1, score: 0.1, metrics: { accuracy: 0.9, seconds: 9 } }),
  makeNode({ id: 2, score: 0.2, metrics: { accuracy: 0.5, seconds: 5 } }),
  makeNode({ id: 3, score: 0.3, metrics: { accuracy: 0.2, seconds: 1 } }),
  makeNode({ id: 4, score: 9, metrics: { accuracy: 0.4, seconds: 6 } }),
  makeNode({ id: 5, score: 8, metrics: { accuracy: 0.1, seconds: 10 } }),
  makeNode({ id: 6, score: 10, metrics: { accuracy: 1 } }),
];

describe('pareto policy', () => {
  it('draws parents and inspirations from the front, whatever the scalar score says', () => {
    const policy = observing(createParetoPolicy({ objectives: accuracyAndTime, fronts: 1 }), tradeOff);
    const parents = new Set<number>();
    for (let round = 0; round < 30; round++) {
      const selection = policy.select({ n: 3, random: createRandom(round) });
      parents.add(selection.parent?.id ?? -1);
      expect(selection.context.map((node) => node.id).sort()).toEqual([1, 2, 3]);
    }
    expect([...parents].sort()).toEqual([1, 3].concat(parents.has(2) ? [2] : []).sort());
    // Beyond the ranked nodes come those without every objective value, then nothing failed.
    const all = policy.select({ n: 10, random: createRandom(1) }).context.map((node) => node.id);
    expect(all.slice(3)).toEqual([4, 5, 6]);
  });

  it('prefers the least crowded member: the ends of the front win a tournament against its middle', () => {
    const policy = observing(
      createParetoPolicy({ objectives: accuracyAndTime, fronts: 1, tournamentSize: 50 }),
      tradeOff,
    );
    const parents = Array.from(
      { length: 20 },
      (_, round) => policy.select({ n: 1, random: createRandom(round) }).parent?.id,
    );
    expect(parents.every((id) => id === 1 || id === 3)).toBe(true);
  });

  it('explores the next front once the first has been visited often (UCB over fronts)', () => {
    const visitedFront = tradeOff.map((node) => (node.id <= 3 ? { ...node, visitCount: 40 } : node));
    const parentRank = (explorationC: number, nodes = visitedFront) =>
      observing(createParetoPolicy({ objectives: accuracyAndTime, explorationC }), nodes).select({
        n: 1,
        random: createRandom(3),
      }).parent?.id;
    expect([1, 2, 3]).toContain(parentRank(0));
    expect(parentRank(0.5)).toBe(4);
    expect([1, 2, 3]).toContain(
      parentRank(
        0.5,
        tradeOff.map((node) => ({ ...node, visitCount: 1 })),
      ),
    );
  });

  it('ranks by score when no objectives are configured', () => {
    const policy = observing(createParetoPolicy({ fronts: 1 }), tradeOff);
    expect(policy.select({ n: 2, random: createRandom(1) }).context.map((node) => node.id)).toEqual([6, 4]);
  });

  it('keeps a node that wins an instance on the front, though its objectives are dominated', () => {
    const instances: ObjectiveSettings = {
      objectives: [{ name: 'eval_score', direction: 'maximize' }],
      outOfBounds: 'infeasible',
      instances: 'cases',
    };
    const nodes = [
      makeNode({ id: 0, metrics: { eval_score: 0.9, 'cases.a': 1, 'cases.b': 0.2 } }),
      makeNode({ id: 1, metrics: { eval_score: 0.5, 'cases.a': 0, 'cases.b': 0.9 } }),
      makeNode({ id: 2, metrics: { eval_score: 0.4, 'cases.a': 0, 'cases.b': 0.1 } }),
    ];
    const policy = observing(createParetoPolicy({ objectives: instances, fronts: 1 }), nodes);
    const parents = new Set(
      Array.from({ length: 20 }, (_, round) => policy.select({ n: 1, random: createRandom(round) }).parent?.id),
    );
    expect([...parents].sort()).toEqual([0, 1]);
  });

  it('keeps one front per island, serving islands in turn, and migrates each front to the next island', () => {
    const policy = createParetoPolicy({ objectives: accuracyAndTime, islands: 2, migrationInterval: 1, fronts: 1 });
    observing(policy, [
      makeNode({ id: 0, island: null, metrics: { accuracy: 0.1, seconds: 10 } }),
      makeNode({ id: 1, island: 0, metrics: { accuracy: 0.5, seconds: 5 } }),
      makeNode({ id: 2, island: 1, metrics: { accuracy: 0.9, seconds: 1 } }),
    ]);
    const first = policy.select({ n: 3, random: createRandom(1) });
    const second = policy.select({ n: 3, random: createRandom(2) });
    expect([first.island, first.context.map((node) => node.id)]).toEqual([0, [1, 0]]);
    expect([second.island, second.context.map((node) => node.id)]).toEqual([1, [2, 0]]);
    // After one generation island 1's front (node 2) migrates to island 0, where it dominates.
    const third = policy.select({ n: 1, random: createRandom(3) });
    expect([third.island, third.parent?.id]).toEqual([0, 2]);
    expect(policy.state()).toMatchObject({ selections: 3, migrants: [[2], [1]] });
  });

  it('resumes with another number of islands: the migrants start over, the selections carry on', () => {
    const nodes = [
      makeNode({ id: 1, island: 0, metrics: { accuracy: 0.5, seconds: 5 } }),
      makeNode({ id: 2, island: 1, metrics: { accuracy: 0.9, seconds: 1 } }),
    ];
    const two = observing(createParetoPolicy({ objectives: accuracyAndTime, islands: 2, migrationInterval: 1 }), nodes);
    for (let round = 0; round < 3; round++) two.select({ n: 1, random: createRandom(round) });
    for (const islands of [3, 1]) {
      const resumed = observing(createParetoPolicy({ objectives: accuracyAndTime, islands }), nodes);
      resumed.restore(two.state());
      expect(resumed.state()).toMatchObject({ selections: 3, migrants: Array.from({ length: islands }, () => []) });
      expect(resumed.select({ n: 2, random: createRandom(9) }).context).toHaveLength(islands === 1 ? 2 : 1);
    }
    expect(() =>
      createParetoPolicy({ objectives: accuracyAndTime }).restore({ ...(two.state() as object), migrants: 3 }),
    ).toThrow(/migrants/);
  });

  it('selects as a policy that saw the same nodes at once, however they came and went (fronts kept node by node)', () => {
    const threeObjectives: ObjectiveSettings = {
      objectives: [
        { name: 'accuracy', direction: 'maximize', min: 2 },
        { name: 'seconds', direction: 'minimize' },
        { name: 'memory', direction: 'minimize' },
      ],
      outOfBounds: 'dominated',
    };
    for (const islands of [1, 2]) {
      const random = createRandom(`pareto-incremental:${islands}`);
      const options = { objectives: threeObjectives, fronts: 2, islands, migrationInterval: 2 };
      const incremental = createParetoPolicy(options);
      const live = new Map<number, SampleableNode>();
      for (let id = 0; id < 150; id++) {
        const node = makeNode({
          id,
          island: islands === 1 ? null : random.int(islands),
          success: random.next() > 0.1,
          metrics: { accuracy: random.int(6), seconds: random.int(6), memory: random.int(6) },
        });
        incremental.observe(node);
        live.set(id, node);
        if (random.next() < 0.2) {
          const ids = [...live.keys()];
          const gone = ids[random.int(ids.length)] as number;
          incremental.forget(gone);
          live.delete(gone);
        }
        if (id % 3 !== 0) continue;
        const n = 1 + random.int(6);
        const fresh = observing(createParetoPolicy(options), [...live.values()]);
        fresh.restore(incremental.state());
        const seed = `select:${id}`;
        const got = incremental.select({ n, random: createRandom(seed) });
        const want = fresh.select({ n, random: createRandom(seed) });
        expect(got.context.map((node) => node.id)).toEqual(want.context.map((node) => node.id));
        expect(got.island).toBe(want.island);
      }
    }
  });

  it("gives the front's and the sampled nodes' standings as paretoRanks over every node does", () => {
    const nodes = [...tradeOff, makeNode({ id: 7, metrics: { accuracy: 0.05, seconds: 20 } })];
    const policy = observing(createParetoPolicy({ objectives: accuracyAndTime, fronts: 1 }), nodes);
    const all = new Map(paretoRanks(nodes, accuracyAndTime).map((member) => [member.id, member]));
    const standings = policy.standings?.(accuracyAndTime, [7, 6]);
    expect([...(standings?.keys() ?? [])].sort()).toEqual([1, 2, 3, 7]);
    for (const [id, member] of standings ?? []) expect(member).toEqual(all.get(id));
    expect(all.get(7)?.rank).toBe(3);
    // Other objectives than the policy ranks by: the caller ranks for itself.
    expect(policy.standings?.({ ...accuracyAndTime, outOfBounds: 'dominated' }, [])).toBeNull();
    expect(createParetoPolicy().standings?.(accuracyAndTime, [])).toBeNull();
  });

  it('refuses options that cannot work, naming them', () => {
    expect(() => createParetoPolicy({ fronts: 0 })).toThrow(/fronts/);
    expect(() => createParetoPolicy({ explorationC: -1 })).toThrow(/explorationC/);
  });
});
