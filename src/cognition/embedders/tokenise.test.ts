import { describe, expect, it } from 'vitest';
import { fnv1a, lexicalTokens, lexicalWords, mix32 } from './tokenise.js';

describe('lexicalWords', () => {
  it('lower-cases, splits on non-alphanumerics and drops stopwords', () => {
    expect(lexicalWords('Use the SLSQP-solver, with n=26!')).toEqual(['use', 'slsqp', 'solver', 'n', '26']);
  });

  it('keeps letters of any script', () => {
    expect(lexicalWords('Größe über naïve 円')).toEqual(['größe', 'über', 'naïve', '円']);
  });

  it('folds plain plurals but not -ss, -us or -is endings', () => {
    expect(lexicalWords('circles constraints process radius analysis gas')).toEqual([
      'circle',
      'constraint',
      'process',
      'radius',
      'analysis',
      'gas',
    ]);
  });
});

describe('lexicalTokens', () => {
  it('adds bigrams of neighbouring words after stopwords are dropped', () => {
    expect(lexicalTokens('edges of the square box')).toEqual(['edge', 'square', 'box', 'edge square', 'square box']);
  });

  it('gives nothing for stopwords only', () => {
    expect(lexicalTokens('and the of')).toEqual([]);
  });
});

describe('hashes', () => {
  it('match FNV-1a test vectors', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });

  it('mix32 spreads nearby values apart', () => {
    expect(mix32(1)).not.toBe(mix32(2));
    expect(mix32(0)).toBe(0);
  });
});
