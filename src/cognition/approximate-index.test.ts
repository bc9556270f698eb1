import { describe, expect, it } from 'vitest';
import { AsiEvolveError } from '../errors.js';
import { createRandom } from '../random.js';
import { createApproximateIndex } from './approximate-index.js';
import { searchExact } from './vector-index.js';

function randomVectors(count: number, dimensions: number, seed: string): Map<string, Float32Array> {
  const random = createRandom(seed);
  const vectors = new Map<string, Float32Array>();
  for (let index = 0; index < count; index++) {
    vectors.set(`v${index}`, Float32Array.from({ length: dimensions }, () => random.next() * 2 - 1));
  }
  return vectors;
}

describe('createApproximateIndex (usearch)', () => {
  it('finds what exact search finds on a small set, with exact scores', () => {
    const vectors = randomVectors(300, 16, 'small');
    const index = createApproximateIndex({ dimensions: 16 });
    index.sync(vectors);
    expect(index.size).toBe(300);
    const query = vectors.get('v7')!;
    const approximate = index.search(query, 5, -1);
    const exact = searchExact(query, vectors, 5, -1);
    expect(approximate.map((match) => match.id)).toEqual(exact.map((match) => match.id));
    expect(approximate.map((match) => match.score)).toEqual(exact.map((match) => match.score));
    expect(index.search(query, 5, 0.999).map((match) => match.id)).toEqual(['v7']);
  });

  it('follows the map: adds new vectors, removes gone ones, replaces changed ones, leaves zero vectors out', () => {
    const index = createApproximateIndex({ dimensions: 3 });
    const vectors = new Map([
      ['x', Float32Array.from([1, 0, 0])],
      ['y', Float32Array.from([0, 1, 0])],
      ['zero', Float32Array.from([0, 0, 0])],
    ]);
    index.sync(vectors);
    expect(index.size).toBe(2);
    expect(index.search(Float32Array.from([1, 0.1, 0]), 1, 0).map((match) => match.id)).toEqual(['x']);
    vectors.delete('x');
    vectors.set('y', Float32Array.from([1, 0, 0]));
    vectors.set('z', Float32Array.from([0, 0, 1]));
    index.sync(vectors);
    expect(index.size).toBe(2);
    expect(index.search(Float32Array.from([1, 0.1, 0]), 3, 0.5).map((match) => match.id)).toEqual(['y']);
    expect(index.search(Float32Array.from([0, 0, 0]), 3, -1)).toEqual([]);
  });

  it('refuses vectors of another length', () => {
    const index = createApproximateIndex({ dimensions: 3 });
    let caught: unknown;
    try {
      index.sync(new Map([['short', Float32Array.from([1, 0])]]));
    } catch (error) {
      caught = error;
    }
    expect(AsiEvolveError.isInstance(caught) && caught.code).toBe('STORE_CORRUPT');
    expect((caught as Error).message).toContain('"short" has 2 dimensions, the index has 3');
  });
});
