import { describe, expect, it } from 'vitest';
import { createRandom } from '../random.js';
import { makeNode, observing, runPolicyCases } from './policy.case.test.js';
import { createRandomPolicy, drawPositions, drawWithoutReplacement } from './random-policy.js';

runPolicyCases('random', ({ allowFailed }) => createRandomPolicy({ allowFailed }));

describe('random', () => {
  it('draws parents uniformly among eligible nodes, whatever their score', () => {
    const nodes = [
      makeNode({ id: 0, score: 100 }),
      makeNode({ id: 1, score: 0 }),
      makeNode({ id: 2, success: false, score: null }),
      makeNode({ id: 3, score: 5 }),
    ];
    const counts = new Map<number, number>();
    const random = createRandom(11);
    for (let draw = 0; draw < 3000; draw++) {
      const parent = observing(createRandomPolicy(), nodes).select({ n: 2, random }).parent;
      if (parent) counts.set(parent.id, (counts.get(parent.id) ?? 0) + 1);
    }
    expect(counts.has(2)).toBe(false);
    for (const id of [0, 1, 3]) {
      expect(counts.get(id)).toBeGreaterThan(850);
      expect(counts.get(id)).toBeLessThan(1150);
    }
  });

  it('draws without replacement', () => {
    const items = Array.from({ length: 20 }, (_, index) => index);
    const drawn = drawWithoutReplacement([...items], 20, createRandom(3));
    expect([...drawn].sort((left, right) => left - right)).toEqual(items);
    expect(drawWithoutReplacement([...items], 50, createRandom(3))).toHaveLength(20);
    expect(drawn).not.toEqual(items);
  });
});

describe('drawPositions', () => {
  it('draws distinct positions, each equally likely first', () => {
    const random = createRandom(4);
    const firsts = [0, 0, 0, 0, 0];
    for (let draw = 0; draw < 5000; draw++) {
      const positions = drawPositions(5, 3, random);
      expect(new Set(positions).size).toBe(3);
      expect(positions.every((position) => position >= 0 && position < 5)).toBe(true);
      firsts[positions[0] as number]! += 1;
    }
    for (const count of firsts) expect(Math.abs(count - 1000)).toBeLessThan(150);
    expect([...drawPositions(4, 10, random)].sort()).toEqual([0, 1, 2, 3]);
  });

  it('matches a real partial shuffle under the same random source', () => {
    const items = Array.from({ length: 30 }, (_, index) => index);
    expect(drawPositions(30, 7, createRandom(9))).toEqual(drawWithoutReplacement([...items], 7, createRandom(9)));
  });
});
