import { describe, expect, it } from 'vitest';
import { createNormaliser, minMaxNormalise, sigmoidNormalise } from './fitness.js';

describe('fitness normalisation', () => {
  it('sigmoid: z-score then logistic', () => {
    const [low, high] = sigmoidNormalise([0, 10]);
    // Mean 5, population deviation 5: z = ∓1.
    expect(low).toBeCloseTo(1 / (1 + Math.E), 12);
    expect(high).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
    expect(sigmoidNormalise([3, 3, 3])).toEqual([0.5, 0.5, 0.5]);
  });

  it('sigmoid keeps the order and pins neither end, unlike min-max', () => {
    const scores = [0, 1, 2, 1000];
    const sigmoid = sigmoidNormalise(scores);
    for (let index = 1; index < 4; index++) expect(sigmoid[index]).toBeGreaterThan(sigmoid[index - 1] as number);
    expect(sigmoid[0]).toBeGreaterThan(0.2);
    expect(sigmoid[3]).toBeLessThan(0.9);
    expect(minMaxNormalise(scores)[0]).toBe(0);
    expect(minMaxNormalise(scores)[3]).toBe(1);
  });

  it('min-max maps to [0, 1], equal scores to 1', () => {
    expect(minMaxNormalise([2, 4, 3])).toEqual([0, 1, 0.5]);
    expect(minMaxNormalise([7, 7])).toEqual([1, 1]);
    expect(createNormaliser([], 'min-max')(5)).toBe(1);
    expect(createNormaliser([], 'sigmoid')(5)).toBe(0.5);
  });

  it('stays accurate for large, close scores', () => {
    const scores = [1e9 + 1, 1e9 + 2, 1e9 + 3];
    const [low, middle, high] = sigmoidNormalise(scores);
    expect(middle).toBeCloseTo(0.5, 9);
    expect((low as number) + (high as number)).toBeCloseTo(1, 9);
  });
});
