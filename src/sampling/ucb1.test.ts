import { describe, expect, it } from 'vitest';
import { createRandom } from '../random.js';
import { makeNode, runPolicyCases } from './policy.case.test.js';
import { createUcb1Policy } from './ucb1.js';

runPolicyCases('ucb1', ({ allowFailed }) => createUcb1Policy({ allowFailed }));

describe('ucb1', () => {
  it('chooses an unvisited node over a better visited one', () => {
    const nodes = [makeNode({ id: 0, score: 10, visitCount: 5 }), makeNode({ id: 1, score: 1, visitCount: 0 })];
    for (let seed = 0; seed < 10; seed++) {
      const selection = createUcb1Policy().select({ nodes, n: 2, random: createRandom(seed) });
      expect(selection.context.map((node) => node.id)).toEqual([1, 0]);
    }
  });

  it('breaks ties between unvisited nodes by the seeded random', () => {
    const nodes = [0, 1, 2, 3].map((id) => makeNode({ id, score: id }));
    const parents = new Set<number>();
    for (let seed = 0; seed < 40; seed++) {
      const first = createUcb1Policy().select({ nodes, n: 1, random: createRandom(seed) }).parent?.id;
      const again = createUcb1Policy().select({ nodes, n: 1, random: createRandom(seed) }).parent?.id;
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
    const explore = createUcb1Policy({ c: 1.414 }).select({ nodes, n: 3, random: createRandom(1) });
    expect(explore.context.map((node) => node.id)).toEqual([1, 2, 0]);
    const exploit = createUcb1Policy({ c: 0 }).select({ nodes, n: 3, random: createRandom(1) });
    expect(exploit.context.map((node) => node.id)).toEqual([0, 2, 1]);
  });

  it('uses sigmoid fitness when asked, which does not pin the outlier to 1', () => {
    const nodes = [
      makeNode({ id: 0, score: 100, visitCount: 4 }),
      makeNode({ id: 1, score: 1, visitCount: 1 }),
      makeNode({ id: 2, score: 0, visitCount: 1 }),
    ];
    const random = createRandom(1);
    expect(createUcb1Policy({ c: 1 }).select({ nodes, n: 1, random }).parent?.id).toBe(0);
    expect(createUcb1Policy({ c: 1, normalisation: 'sigmoid' }).select({ nodes, n: 1, random }).parent?.id).toBe(1);
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
      const ids = policy.select({ nodes, n: 4, random: createRandom(seed) }).context.map((node) => node.id);
      expect(ids.slice(0, 2)).toEqual([1, 2]);
      expect(new Set(ids.slice(2))).toEqual(new Set([0, 3]));
    }
  });

  it('rejects a negative exploration constant', () => {
    expect(() => createUcb1Policy({ c: -1 })).toThrow('Expected `c` to be a non-negative number');
  });
});
