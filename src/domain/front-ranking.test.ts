import { describe, expect, it } from 'vitest';
import { buildFrontView, formatObjectiveValue, frontGrowth, rankFront, type FrontInput } from './front-ranking.js';
import { paretoRanks, type ObjectiveSettings } from './objectives.js';
import { createRandom } from '../random.js';

const settings: ObjectiveSettings = {
  objectives: [
    { name: 'bins', direction: 'minimize', max: 10 },
    { name: 'seconds', direction: 'minimize' },
  ],
  outOfBounds: 'infeasible',
};

function summary(id: number, step: number, metrics: Record<string, number>, success = true): FrontInput {
  return { id, step, name: `design-${id}`, success, metrics };
}

// Round by round: 0 alone; 1 trades bins for time with 0; 2 dominates 0; 3 fails; 4 lies outside
// the bound on bins; 5 dominates everything so far.
const nodes = [
  summary(0, 0, { bins: 5, seconds: 1 }),
  summary(1, 1, { bins: 3, seconds: 2 }),
  summary(2, 2, { bins: 4, seconds: 0.5 }),
  summary(3, 3, { bins: 1, seconds: 0.1 }, false),
  summary(4, 4, { bins: 12, seconds: 0.01 }),
  summary(5, 5, { bins: 2, seconds: 0.2 }),
];

describe('the front of stored summaries', () => {
  it('lists the non-dominated nodes best first and counts the dominated and those outside a bound', () => {
    const before = rankFront(nodes.slice(0, 5), settings);
    expect(before.front.map((point) => point.id)).toEqual([1, 2]);
    expect(before.front[0]).toMatchObject({ step: 1, name: 'design-1', values: { bins: 3, seconds: 2 } });
    expect(before).toMatchObject({ dominated: 2, infeasible: 1, instances: null, outOfBounds: 'infeasible' });
    expect(before.points.map((point) => [point.id, point.onFront, point.feasible])).toEqual([
      [0, false, true],
      [1, true, true],
      [2, true, true],
      [4, false, false],
    ]);

    const after = rankFront(nodes, settings);
    expect(after.front.map((point) => point.id)).toEqual([5]);
    expect(after.dominated).toBe(4);
  });

  it('gives the front size after each round, failed rounds included', () => {
    expect(frontGrowth(nodes, settings)).toEqual([
      { step: 0, size: 1 },
      { step: 1, size: 2 },
      { step: 2, size: 2 },
      { step: 3, size: 2 },
      { step: 4, size: 2 },
      { step: 5, size: 1 },
    ]);
  });

  it('matches the ranking of all nodes at once at every round', () => {
    const growth = buildFrontView(nodes, settings).growth;
    for (const { step, size } of growth) {
      expect(size).toBe(
        rankFront(
          nodes.filter((node) => node.step <= step),
          settings,
        ).front.length,
      );
    }
  });

  it.each([
    ['infeasible', undefined],
    ['dominated', undefined],
    ['infeasible', 'tasks'],
    ['dominated', 'pass/fail'],
  ] as const)(
    'finds the same front as ranking every node at once (bounds %s, instances %s), in chunks',
    (outOfBounds, instances) => {
      const random = createRandom(7);
      const three: ObjectiveSettings = {
        objectives: [
          { name: 'a', direction: 'maximize', min: 0.1 },
          { name: 'b', direction: 'minimize', max: 0.9 },
          { name: 'c', direction: 'maximize' },
        ],
        outOfBounds,
        ...(instances === undefined ? {} : { instances: 'tasks' }),
      };
      // 700 nodes, 400 of them in round 0: more new nodes than one ranking takes at a time.
      const many = Array.from({ length: 700 }, (_, id) => {
        const metrics: Record<string, number> = { a: random.next(), b: random.next(), c: random.next() };
        if (instances === 'tasks') metrics[`tasks.t${id % 5}`] = Math.round(random.next() * 20);
        // Pass/fail on every instance, the easy one passed by most: ties everywhere, pruned.
        if (instances === 'pass/fail') {
          [0.8, 0.3, 0.1, 0.03, 0.01].forEach((pass, task) => {
            metrics[`tasks.t${task}`] = random.next() < pass ? 1 : 0;
          });
          metrics.eval_score = Math.round(random.next() * 4);
        }
        return summary(id, id < 400 ? 0 : id - 400, metrics, random.next() > 0.05);
      });
      const view = buildFrontView(many, three);
      const expected = paretoRanks(many, three)
        .filter((member) => member.rank === 0)
        .map((member) => member.id)
        .sort((left, right) => left - right);
      expect(expected.length).toBeGreaterThan(5);
      expect(view.front.map((point) => point.id).sort((left, right) => left - right)).toEqual(expected);
      expect(view.points.filter((point) => point.onFront)).toHaveLength(expected.length);
      expect(view.growth.at(-1)?.size).toBe(expected.length);
      // The front after a round is the front of the nodes up to it.
      for (const step of [0, 50, 150]) {
        const upTo = many.filter((node) => node.step <= step);
        const size = paretoRanks(upTo, three).filter((member) => member.rank === 0).length;
        expect(view.growth.find((point) => point.step === step)?.size).toBe(size);
      }
    },
  );

  it('grows the front round by round as paretoRanks ranks the nodes so far, with tied instance winners', () => {
    for (let trial = 0; trial < 150; trial++) {
      const random = createRandom(`front-growth-ties:${trial}`);
      const tied: ObjectiveSettings = {
        objectives: [
          { name: 'a', direction: 'maximize', min: 1 },
          ...(trial % 2 === 1 ? [{ name: 'b', direction: 'minimize' as const }] : []),
        ],
        outOfBounds: trial % 3 === 0 ? 'infeasible' : 'dominated',
        instances: 'tasks',
      };
      // Coarse scores: ties on objectives, instance scores and eval_score are frequent.
      const nodes = Array.from({ length: 40 }, (_, id) => {
        const metrics: Record<string, number> = { a: random.int(4), b: random.int(4) };
        for (let task = 0; task < 4; task++) {
          if (random.next() < 0.8) metrics[`tasks.t${task}`] = random.int(task === 0 ? 2 : 3);
        }
        if (random.next() < 0.6) metrics.eval_score = random.int(3);
        return summary(id, Math.floor(id / (1 + (trial % 4))), metrics, random.next() > 0.05);
      });
      const frontOf = (upTo: readonly FrontInput[]): number[] =>
        paretoRanks(upTo, tied)
          .filter((member) => member.rank === 0)
          .map((member) => member.id)
          .sort((left, right) => left - right);
      const view = buildFrontView(nodes, tied);
      for (const point of view.growth) {
        const size = frontOf(nodes.filter((node) => node.step <= point.step)).length;
        expect({ trial, step: point.step, size: point.size }).toEqual({ trial, step: point.step, size });
      }
      expect(view.front.map((point) => point.id).sort((left, right) => left - right)).toEqual(frontOf(nodes));
    }
  });

  it('names the instances each front member wins', () => {
    const perInstance: ObjectiveSettings = { ...settings, instances: 'tasks' };
    const view = rankFront(
      [
        summary(0, 0, { bins: 3, seconds: 1, 'tasks.a': 0.9, 'tasks.b': 0.1 }),
        summary(1, 1, { bins: 2, seconds: 0.5, 'tasks.a': 0.2, 'tasks.b': 0.8 }),
      ],
      perInstance,
    );
    expect(view.front.map((point) => [point.id, point.winsInstances])).toEqual([
      [1, ['b']],
      [0, ['a']],
    ]);
    expect(view.instances).toBe('tasks');
  });

  it('shows objective values in six significant digits', () => {
    expect(formatObjectiveValue(3)).toBe('3');
    expect(formatObjectiveValue(0.123456789)).toBe('0.123457');
    expect(formatObjectiveValue(undefined)).toBe('n/a');
  });
});
