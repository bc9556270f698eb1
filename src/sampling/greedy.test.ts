import { describe, expect, it } from 'vitest';
import { createRandom } from '../random.js';
import { createGreedyPolicy } from './greedy.js';
import { makeNode, observing, runPolicyCases } from './policy.case.test.js';

runPolicyCases('greedy', ({ allowFailed }) => createGreedyPolicy({ allowFailed }));

describe('greedy', () => {
  const nodes = [
    makeNode({ id: 0, score: 1 }),
    makeNode({ id: 1, score: 7 }),
    makeNode({ id: 2, success: false, score: null }),
    makeNode({ id: 3, score: 7 }),
    makeNode({ id: 4, score: 9 }),
    makeNode({ id: 5, score: 2 }),
  ];

  it('picks the top nodes by score, equal scores to the lower id, whatever the seed', () => {
    for (let seed = 0; seed < 5; seed++) {
      const selection = observing(createGreedyPolicy(), nodes).select({ n: 3, random: createRandom(seed) });
      expect(selection.context.map((node) => node.id)).toEqual([4, 1, 3]);
      expect(selection.parent?.id).toBe(4);
    }
  });

  it('ranks allowed failed nodes last', () => {
    const selection = observing(createGreedyPolicy({ allowFailed: true }), nodes).select({
      n: 6,
      random: createRandom(1),
    });
    expect(selection.context.map((node) => node.id)).toEqual([4, 1, 3, 5, 0, 2]);
  });
});
