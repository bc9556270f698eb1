import { describe, expect, it } from 'vitest';
import { cosine, jaccard, normaliseProgram, programShingles, programTokens, textHash } from './similarity.js';

describe('program similarity', () => {
  const program = Array.from({ length: 60 }, (_, line) => `x${line} = compute(x${line - 1}, ${line * 0.5})`).join('\n');

  it('ignores layout: re-indented programs have the same normal form, hash and shingles', () => {
    const relaid = program.replace(/\n/g, '\n\n    ').replace(/ = /g, '=');
    expect(normaliseProgram('  a   =\n\t1  ')).toBe('a = 1');
    expect(textHash(normaliseProgram('a =  1'))).toBe(textHash(normaliseProgram('a = 1 ')));
    expect(jaccard(programShingles(program), programShingles(relaid))).toBe(1);
  });

  it('splits identifiers, numbers and punctuation', () => {
    expect(programTokens('rate_2 = f(0.5e-3)+x')).toEqual(['rate_2', '=', 'f', '(', '0.5e-3', ')', '+', 'x']);
  });

  it('scores one changed constant just below 1, a different program far lower', () => {
    const tweaked = program.replace('compute(x28, 14.5)', 'compute(x28, 14.75)');
    expect(tweaked).not.toBe(program);
    const similar = jaccard(programShingles(program), programShingles(tweaked));
    expect(similar).toBeGreaterThan(0.95);
    expect(similar).toBeLessThan(1);
    const other = 'def solve():\n    return sorted(points, key=lambda p: p[0])\n';
    expect(jaccard(programShingles(program), programShingles(other))).toBeLessThan(0.05);
  });

  it('gives short programs one shingle and empty ones none', () => {
    expect(programShingles('a = 1').size).toBe(1);
    expect(programShingles('   ').size).toBe(0);
    expect(jaccard(new Set(), new Set([1]))).toBe(0);
  });
});

describe('cosine', () => {
  it('is 1 for parallel vectors, 0 for orthogonal or zero ones', () => {
    expect(cosine(Float32Array.of(1, 2), Float32Array.of(2, 4))).toBeCloseTo(1, 6);
    expect(cosine(Float32Array.of(1, 0), Float32Array.of(0, 3))).toBe(0);
    expect(cosine(Float32Array.of(0, 0), Float32Array.of(1, 1))).toBe(0);
  });
});
