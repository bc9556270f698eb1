import { describe, expect, it } from 'vitest';
import { createRandom } from '../random.js';
import { makeNode, observing, runPolicyCases } from './policy.case.test.js';
import { compareByScore } from './eligibility.js';
import { createNormaliser } from './fitness.js';
import type { SampleableNode } from './policy.js';
import { createUcb1Policy } from './ucb1.js';

runPolicyCases('ucb1', ({ allowFailed }) => createUcb1Policy({ allowFailed }));

describe('ucb1', () => {
  it('chooses an unvisited node over a better visited one', () => {
    const nodes = [makeNode({ id: 0, score: 10, visitCount: 5 }), makeNode({ id: 1, score: 1, visitCount: 0 })];
    for (let seed = 0; seed < 10; seed++) {
      const selection = observing(createUcb1Policy(), nodes).select({ n: 2, random: createRandom(seed) });
      expect(selection.context.map((node) => node.id)).toEqual([1, 0]);
    }
  });

  it('breaks ties between unvisited nodes by the seeded random', () => {
    const nodes = [0, 1, 2, 3].map((id) => makeNode({ id, score: id }));
    const parents = new Set<number>();
    for (let seed = 0; seed < 40; seed++) {
      const first = observing(createUcb1Policy(), nodes).select({ n: 1, random: createRandom(seed) }).parent?.id;
      const again = observing(createUcb1Policy(), nodes).select({ n: 1, random: createRandom(seed) }).parent?.id;
      expect(again).toBe(first);
      if (first !== undefined) parents.add(first);
    }
    expect(parents).toEqual(new Set([0, 1, 2, 3]));
  });

  it('orders visited nodes by normalised score plus c·sqrt(ln N / n)', () => {
    // N = 101: node 0 ≈ 1 + 1.414·sqrt(ln 101 / 90) ≈ 1.32; node 1 ≈ 0 + 1.414·sqrt(ln 101) ≈ 3.04;
    // node 2 ≈ 0.5 + 1.414·sqrt(ln 101 / 10) ≈ 1.46.
    const nodes = [
      makeNode({ id: 0, score: 10, visitCount: 90 }),
      makeNode({ id: 1, score: 0, visitCount: 1 }),
      makeNode({ id: 2, score: 5, visitCount: 10 }),
    ];
    const explore = observing(createUcb1Policy({ c: 1.414 }), nodes).select({ n: 3, random: createRandom(1) });
    expect(explore.context.map((node) => node.id)).toEqual([1, 2, 0]);
    const exploit = observing(createUcb1Policy({ c: 0 }), nodes).select({ n: 3, random: createRandom(1) });
    expect(exploit.context.map((node) => node.id)).toEqual([0, 2, 1]);
  });

  it('uses sigmoid fitness when asked, which does not pin the outlier to 1', () => {
    const nodes = [
      makeNode({ id: 0, score: 100, visitCount: 4 }),
      makeNode({ id: 1, score: 1, visitCount: 1 }),
      makeNode({ id: 2, score: 0, visitCount: 1 }),
    ];
    const random = createRandom(1);
    expect(observing(createUcb1Policy({ c: 1 }), nodes).select({ n: 1, random }).parent?.id).toBe(0);
    expect(
      observing(createUcb1Policy({ c: 1, normalisation: 'sigmoid' }), nodes).select({ n: 1, random }).parent?.id,
    ).toBe(1);
  });

  it('gives allowed failed nodes zero fitness, below every better successful node', () => {
    const nodes = [
      makeNode({ id: 0, success: false, score: null, visitCount: 1 }),
      makeNode({ id: 1, score: 3, visitCount: 1 }),
      makeNode({ id: 2, score: 2, visitCount: 1 }),
      makeNode({ id: 3, score: 1, visitCount: 1 }),
    ];
    for (let seed = 0; seed < 10; seed++) {
      const policy = createUcb1Policy({ c: 0, allowFailed: true });
      const ids = observing(policy, nodes)
        .select({ n: 4, random: createRandom(seed) })
        .context.map((node) => node.id);
      expect(ids.slice(0, 2)).toEqual([1, 2]);
      expect(new Set(ids.slice(2))).toEqual(new Set([0, 3]));
    }
  });

  it('orders visited nodes exactly as a rescan of every value would, through visits and evictions', () => {
    // The policy merges one best-first index per visit count; a rescan computes every value.
    const random = createRandom('ucb1-reference');
    for (const normalisation of ['min-max', 'sigmoid'] as const) {
      const policy = createUcb1Policy({ c: 0.8, normalisation, allowFailed: true });
      const live = new Map<number, SampleableNode>();
      for (let round = 0; round < 300; round++) {
        const success = random.next() > 0.2;
        const node = makeNode({
          id: round,
          success,
          score: success ? Math.round(random.next() * 30) : null,
          visitCount: 1 + random.int(6),
        });
        live.set(node.id, node);
        policy.observe(node);
        if (random.next() < 0.3) {
          // A visit to a random node, observed again as the loop does.
          const ids = [...live.keys()];
          const visited = live.get(ids[random.int(ids.length)] as number) as SampleableNode;
          const counted = { ...visited, visitCount: visited.visitCount + 1 };
          live.set(counted.id, counted);
          policy.observe(counted);
        }
        if (random.next() < 0.1) {
          const ids = [...live.keys()];
          const evicted = ids[random.int(ids.length)] as number;
          live.delete(evicted);
          policy.forget(evicted);
        }
        if (round % 10 !== 0) continue;
        const nodes = [...live.values()];
        const scores = nodes.filter((candidate) => candidate.success).map((candidate) => candidate.score as number);
        const fitness = createNormaliser(scores, normalisation);
        const totalVisits = nodes.reduce((sum, candidate) => sum + candidate.visitCount, 0);
        const value = (candidate: SampleableNode): number =>
          (candidate.success ? fitness(candidate.score as number) : 0) +
          0.8 * Math.sqrt(Math.log(totalVisits) / candidate.visitCount);
        const expected = nodes
          .sort((left, right) => value(right) - value(left) || compareByScore(left, right))
          .slice(0, 5)
          .map((candidate) => candidate.id);
        expect(policy.select({ n: 5, random: createRandom(round) }).context.map((candidate) => candidate.id)).toEqual(
          expected,
        );
      }
    }
  });

  it('rejects a negative exploration constant', () => {
    expect(() => createUcb1Policy({ c: -1 })).toThrow('Expected `c` to be a non-negative number');
  });
});
