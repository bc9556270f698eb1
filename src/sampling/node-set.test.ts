import { describe, expect, it } from 'vitest';
import { createRandom } from '../random.js';
import { compareByScore, isSuccessful } from './eligibility.js';
import { createNormaliser } from './fitness.js';
import { NodeSet } from './node-set.js';
import type { SampleableNode } from './policy.js';
import { makeNode } from './policy.case.test.js';

describe('NodeSet', () => {
  it('keeps id order, best-first order, ranks and normalisers equal to a rescan, through puts, replacements and deletes', () => {
    const random = createRandom('node-set');
    const set = new NodeSet({ positions: true, ranking: true });
    const model = new Map<number, SampleableNode>();
    for (let operation = 0; operation < 3000; operation++) {
      const id = random.int(400);
      if (random.next() < 0.3) {
        expect(set.delete(id)).toBe(model.delete(id));
      } else {
        const success = random.next() > 0.2;
        // Coarse scores make ties, which the order breaks by id.
        const node = makeNode({
          id,
          success,
          score: success ? Math.round(random.next() * 40) - 20 : null,
          visitCount: random.int(3),
        });
        set.put(node);
        model.set(id, node);
      }
      if (operation % 50 !== 0) continue;
      const byId = [...model.values()].sort((left, right) => left.id - right.id);
      const ranked = [...model.values()].sort(compareByScore);
      expect(set.size).toBe(model.size);
      for (let position = 0; position < byId.length; position += 7) expect(set.at(position)).toBe(byId[position]);
      expect(set.best(10)).toEqual(ranked.slice(0, 10));
      expect([...set.bestFirst()]).toEqual(ranked);
      const probe = ranked[random.int(Math.max(1, ranked.length))];
      if (probe) expect(set.rankOf(probe)).toBe(ranked.indexOf(probe));
      const scores = ranked.filter(isSuccessful).map((node) => node.score as number);
      expect(set.successfulCount).toBe(scores.length);
      for (const kind of ['min-max', 'sigmoid'] as const) {
        const expected = createNormaliser(scores, kind);
        const actual = set.normaliser(kind);
        for (const score of [-20, -3, 0, 7, 20]) expect(actual(score)).toBeCloseTo(expected(score), 9);
      }
    }
  });

  it('replaces a node by id (a new visit count) without counting it twice', () => {
    const set = new NodeSet({ ranking: true });
    set.put(makeNode({ id: 1, score: 3 }));
    set.put(makeNode({ id: 1, score: 3, visitCount: 4 }));
    expect(set.size).toBe(1);
    expect(set.successfulCount).toBe(1);
    expect(set.get(1)?.visitCount).toBe(4);
    expect(set.rankOf(makeNode({ id: 2 }))).toBe(-1);
  });

  it('says which order it lacks instead of scanning', () => {
    expect(() => new NodeSet().at(0)).toThrow('without the `positions` order');
    expect(() => new NodeSet({ positions: true }).best(1)).toThrow('without the `ranking` order');
  });
});
