import { describe, expect, it } from 'vitest';
import { AsiEvolveError } from '../errors.js';
import { searchExact } from './vector-index.js';

const vectors = new Map<string, Float32Array>([
  ['x', Float32Array.from([1, 0, 0])],
  ['xy', Float32Array.from([1, 1, 0])],
  ['y', Float32Array.from([0, 2, 0])],
  ['minus-x', Float32Array.from([-1, 0, 0])],
  ['zero', Float32Array.from([0, 0, 0])],
]);

describe('searchExact', () => {
  it('orders by cosine similarity, best first, whatever the vectors’ lengths', () => {
    const matches = searchExact(Float32Array.from([3, 0, 0]), vectors, 10, -1);
    expect(matches.map((match) => match.id)).toEqual(['x', 'xy', 'y', 'minus-x']);
    expect(matches.map((match) => match.score)).toEqual([1, expect.closeTo(Math.SQRT1_2, 6), 0, -1]);
  });

  it('keeps only scores at or above the threshold', () => {
    expect(
      searchExact(Float32Array.from([1, 0, 0]), vectors, 10, Math.SQRT1_2 - 1e-6).map((match) => match.id),
    ).toEqual(['x', 'xy']);
    expect(searchExact(Float32Array.from([1, 0, 0]), vectors, 10, 1).map((match) => match.id)).toEqual(['x']);
  });

  it('returns at most topK, and nothing for topK 0', () => {
    expect(searchExact(Float32Array.from([1, 1, 0]), vectors, 2, -1).map((match) => match.id)).toEqual(['xy', 'x']);
    expect(searchExact(Float32Array.from([1, 1, 0]), vectors, 0, -1)).toEqual([]);
  });

  it('breaks ties by id so the order is stable', () => {
    const tied = new Map([
      ['b', Float32Array.from([1, 0])],
      ['a', Float32Array.from([2, 0])],
      ['c', Float32Array.from([1, 0])],
    ]);
    expect(searchExact(Float32Array.from([1, 0]), tied, 2, 0).map((match) => match.id)).toEqual(['a', 'b']);
  });

  it('treats a zero query as no query', () => {
    expect(searchExact(new Float32Array(3), vectors, 10, -1)).toEqual([]);
  });

  it('refuses vectors of another length', () => {
    const error = (() => {
      try {
        searchExact(Float32Array.from([1, 0]), vectors, 3, 0);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(AsiEvolveError.isInstance(error) && error.code).toBe('STORE_CORRUPT');
    expect((error as Error).message).toContain('"x" has 3 dimensions, the query has 2');
  });
});

describe('searchExact at any topK', () => {
  it('gives the same best-first order with a small and a large topK', () => {
    const many = new Map<string, Float32Array>();
    for (let index = 0; index < 300; index++)
      many.set(
        `v${String(index).padStart(3, '0')}`,
        Float32Array.from([Math.cos(index), Math.sin(index * 0.7), (index % 5) - 2]),
      );
    const query = Float32Array.from([1, 0.5, -0.2]);
    const small = searchExact(query, many, 10, -1);
    const large = searchExact(query, many, 1000, -1);
    expect(large).toHaveLength(300);
    expect(small).toEqual(large.slice(0, 10));
    const scores = large.map((match) => match.score);
    expect(scores).toEqual([...scores].sort((left, right) => right - left));
  });
});
