import { describe, expect, it } from 'vitest';
import { objectiveGaps } from './objective-gaps.js';
import { MAX_NESTED_METRICS, summaryMetrics, type ObjectiveSettings } from './objectives.js';

const settings: ObjectiveSettings = {
  objectives: [
    { name: 'accuracy', direction: 'maximize' },
    { name: 'cases.hard', direction: 'maximize' },
  ],
  outOfBounds: 'infeasible',
  instances: 'cases',
};

describe('objectiveGaps', () => {
  it('finds nothing in results that have every objective, a dotted one included', () => {
    expect(objectiveGaps({ eval_score: 1, accuracy: 0.5, cases: { hard: 1, easy: 0 } }, settings)).toEqual([]);
  });

  it('names a missing objective, a string in place of a number, and a per-instance key that is not a map', () => {
    const gaps = objectiveGaps({ eval_score: 1, accuracy: '0.93', cases: 3 }, settings);
    expect(gaps.map((gap) => gap.kind)).toEqual(['objective:accuracy', 'objective:cases.hard', 'instances']);
    expect(gaps[0]?.message).toContain(`objective 'accuracy' is the string "0.93" in results.json, not a number`);
    expect(gaps[1]?.message).toContain(`objective 'cases.hard' is missing from results.json`);
    expect(gaps[2]?.message).toContain(`results.json's 'cases' is 3, not an object of instance → score`);
  });

  it('counts instance scores that are not numbers, and a map larger than a summary keeps', () => {
    const cases: Record<string, unknown> = { hard: 1, nested: { deeper: 1 }, text: 'pass' };
    for (let index = 0; index < MAX_NESTED_METRICS + 5; index++) cases[`case${index}`] = index % 2;
    const gaps = objectiveGaps({ eval_score: 1, accuracy: 1, cases }, settings);
    expect(gaps.map((gap) => gap.message)).toEqual([
      `2 of the scores in results.json's 'cases' are not numbers (e.g. "nested": an object): those instances are left out`,
      `results.json's 'cases' scores ${MAX_NESTED_METRICS + 6} instances; a node keeps the first ${MAX_NESTED_METRICS}, so wins on the others do not count`,
    ]);
    // What the summary keeps is what the notice says.
    expect(Object.keys(summaryMetrics({ cases }, ['cases'])).length).toBe(MAX_NESTED_METRICS);
  });
});
