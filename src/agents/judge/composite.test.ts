import { describe, expect, it } from 'vitest';
import { combineJudgeScore, compositeScore, sigmoid } from './composite.js';

describe('sigmoid', () => {
  it('is 0.5 at 0, symmetric, and finite far out', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(2) + sigmoid(-2)).toBeCloseTo(1, 12);
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-1000)).toBe(0);
  });
});

describe('combineJudgeScore', () => {
  it('blends by the reference formula', () => {
    expect(combineJudgeScore(2.6, 80, { mode: 'blend', ratio: 0.2, center: 0, scale: 1 })).toBeCloseTo(18.08, 10);
  });

  it('combines the sigmoid-normalised score with the judge on 0–1 in composite mode', () => {
    const settings = { mode: 'composite', ratio: 0.2, center: 2.5, scale: 0.1 } as const;
    expect(combineJudgeScore(2.6, 80, settings)).toBeCloseTo(0.8 * sigmoid(1) + 0.2 * 0.8, 12);
    expect(compositeScore(2.5, 100, settings)).toBeCloseTo(0.6, 12);
    expect(combineJudgeScore(2.7, 0, settings)).toBeGreaterThan(combineJudgeScore(2.6, 0, settings));
  });
});
