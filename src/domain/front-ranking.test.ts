import { describe, expect, it } from 'vitest';
import { buildFrontView, formatObjectiveValue, frontGrowth, rankFront, type FrontInput } from './front-ranking.js';
import type { ObjectiveSettings } from './objectives.js';

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
    expect(before.points.map((point) => point.id)).toEqual([0, 1, 2, 4]);

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
