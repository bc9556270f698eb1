import { describe, expect, it } from 'vitest';
import { AsiEvolveError } from '../errors.js';
import { createRandom } from '../random.js';
import { createExactIndex } from './exact-index.js';
import { searchExact } from './vector-index.js';

/** Sparse non-negative vectors, like the lexical embedder's, with a few exact duplicates and a zero vector. */
function randomVectors(count: number, dimensions: number, seed: string): Map<string, Float32Array> {
  const random = createRandom(seed);
  const vectors = new Map<string, Float32Array>();
  for (let index = 0; index < count; index++) {
    const vector = new Float32Array(dimensions);
    for (let dimension = 0; dimension < dimensions; dimension++)
      if (random.next() < 0.1) vector[dimension] = random.next() * 3;
    vectors.set(`item-${String(index).padStart(5, '0')}`, vector);
  }
  const first = vectors.get('item-00000') as Float32Array;
  // Duplicates (scaled: cosine ties) and a zero vector, which matches nothing.
  for (let copy = 0; copy < 40; copy++)
    vectors.set(
      `copy-${copy}`,
      first.map((value) => value * (copy + 1)),
    );
  vectors.set('zero', new Float32Array(dimensions));
  return vectors;
}

describe.each([
  ['usearch SIMD scan', true],
  ['JavaScript scan', false],
])('createExactIndex (%s)', (_name, simd) => {
  const vectors = randomVectors(2_000, 64, 'exact-index');
  const index = createExactIndex(vectors, { simd });
  const random = createRandom('exact-index:queries');

  it('answers exactly as searchExact does: same ids, scores and order', () => {
    for (let query = 0; query < 30; query++) {
      const vector = new Float32Array(64);
      for (let dimension = 0; dimension < 64; dimension++)
        if (random.next() < 0.2) vector[dimension] = random.next() - 0.2;
      for (const [topK, threshold] of [
        [1, Number.NEGATIVE_INFINITY],
        [3, 0.1],
        [10, Number.NEGATIVE_INFINITY],
        [100, 0],
        [5, 0.99],
      ] as const) {
        expect(index.search(vector, topK, threshold)).toEqual(searchExact(vector, vectors, topK, threshold));
      }
    }
  });

  it('keeps ties in id order, even where 41 tied vectors overflow the candidates', () => {
    const query = vectors.get('item-00000') as Float32Array;
    const expected = searchExact(query, vectors, 45, 0.5);
    expect(
      expected.slice(0, 41).every((match) => match.score === expected[0]?.score || Math.abs(match.score - 1) < 1e-6),
    ).toBe(true);
    expect(index.search(query, 45, 0.5)).toEqual(expected);
    expect(index.search(query, 3, 0.5).map((match) => match.id)).toEqual(expected.slice(0, 3).map((match) => match.id));
  });

  it('returns nothing for a zero query or topK 0, and never the zero vector', () => {
    expect(index.search(new Float32Array(64), 5, -1)).toEqual([]);
    expect(index.search(vectors.get('item-00001') as Float32Array, 0, -1)).toEqual([]);
    expect(
      index
        .search(vectors.get('item-00001') as Float32Array, 10_000, Number.NEGATIVE_INFINITY)
        .some((match) => match.id === 'zero'),
    ).toBe(false);
  });
});

describe('createExactIndex', () => {
  it('tells whether it holds a map: a replaced vector or a new id is a change', () => {
    const vectors = new Map([
      ['a', Float32Array.from([1, 0])],
      ['b', Float32Array.from([0, 1])],
    ]);
    const index = createExactIndex(vectors);
    expect(index.holds(vectors)).toBe(true);
    expect(index.holds(new Map(vectors))).toBe(true);
    vectors.set('b', Float32Array.from([0, 1]));
    expect(index.holds(vectors)).toBe(false);
    expect(index.holds(new Map([...vectors, ['c', Float32Array.from([1, 1])]]))).toBe(false);
  });

  it('reports vectors of another length than the query, as searchExact does', () => {
    const index = createExactIndex(
      new Map([
        ['a', Float32Array.from([1, 0])],
        ['b', Float32Array.from([1, 0, 0])],
      ]),
    );
    let caught: unknown;
    try {
      index.search(Float32Array.from([1, 0]), 2, -1);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AsiEvolveError);
    expect((caught as AsiEvolveError).code).toBe('STORE_CORRUPT');
  });
});
