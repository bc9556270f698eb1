import { describe, expect, it } from 'vitest';
import { makeNode } from '../policy.case.test.js';
import { cellKey, featureValues, lengthDiversity, widenRanges, type FeatureRange } from './features.js';

describe('island features', () => {
  it('reads complexity as the program length and other names from the metrics', () => {
    const node = makeNode({ id: 1, programLength: 250, metrics: { accuracy: 0.75 } });
    expect(featureValues(node, ['complexity', 'accuracy'], [])).toEqual([250, 0.75]);
  });

  it('keeps a node without the metric, or with a non-finite one, out of the grid', () => {
    expect(featureValues(makeNode({ id: 1 }), ['complexity', 'accuracy'], [])).toBeNull();
    expect(featureValues(makeNode({ id: 1, metrics: { accuracy: Number.NaN } }), ['accuracy'], [])).toBeNull();
  });

  it('measures diversity as the mean log-length distance to the reference set', () => {
    expect(lengthDiversity(100, [])).toBe(0);
    expect(lengthDiversity(99, [99])).toBe(0);
    // Twice as long and half as long are (almost exactly, with the +1) equally far.
    expect(lengthDiversity(199, [99])).toBeCloseTo(Math.log(2), 10);
    expect(lengthDiversity(49, [99])).toBeCloseTo(Math.log(2), 10);
    expect(lengthDiversity(99, [49, 199])).toBeCloseTo(Math.log(2), 10);
  });

  it('scales each dimension over the range seen into its bins', () => {
    const ranges: FeatureRange[] = [null, null];
    widenRanges(ranges, [0, 5]);
    widenRanges(ranges, [100, 5]);
    expect(ranges).toEqual([
      [0, 100],
      [5, 5],
    ]);
    expect(cellKey([0, 5], ranges, 10)).toBe('0,0');
    expect(cellKey([55, 5], ranges, 10)).toBe('5,0');
    expect(cellKey([100, 5], ranges, 10)).toBe('9,0');
    expect(cellKey([250, 5], ranges, 10)).toBe('9,0');
  });
});
