import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AsiEvolveError } from '../errors.js';
import { createRandom } from '../random.js';
import { createApproximateIndex } from './approximate-index.js';
import { searchExact } from './vector-index.js';

function randomVectors(count: number, dimensions: number, seed: string): Map<string, Float32Array> {
  const random = createRandom(seed);
  const vectors = new Map<string, Float32Array>();
  for (let index = 0; index < count; index++) {
    vectors.set(
      `v${index}`,
      Float32Array.from({ length: dimensions }, () => random.next() * 2 - 1),
    );
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

describe('createApproximateIndex with a cache file', () => {
  const folder = (): string => mkdtempSync(join(tmpdir(), 'asi-hnsw-'));

  it('keeps the graph between processes: a restart loads it and adds only what changed', () => {
    const dir = folder();
    try {
      const cacheFile = join(dir, 'index', 'hnsw.usearch');
      const vectors = randomVectors(3000, 16, 'cache');
      const first = createApproximateIndex({ dimensions: 16, cacheFile });
      first.sync(vectors);
      expect(first.lastSync).toEqual({ fromCache: 0, added: 3000, removed: 0, saved: true });
      expect(existsSync(cacheFile) && existsSync(`${cacheFile}.keys.json`)).toBe(true);

      // A new run: two items changed, one removed, five added.
      const next = new Map(vectors);
      next.set(
        'v1',
        Float32Array.from({ length: 16 }, (_, index) => (index === 0 ? 1 : 0)),
      );
      next.set(
        'v2',
        Float32Array.from({ length: 16 }, (_, index) => (index === 1 ? 1 : 0)),
      );
      next.delete('v3');
      for (const [id, vector] of randomVectors(5, 16, 'cache-new')) next.set(`new-${id}`, vector);
      const second = createApproximateIndex({ dimensions: 16, cacheFile });
      second.sync(next);
      expect(second.lastSync).toMatchObject({ fromCache: 2997, added: 7, removed: 0 });
      expect(second.size).toBe(3004);
      for (const id of ['v1', 'v7', 'new-v2']) {
        const query = next.get(id)!;
        expect(second.search(query, 3, -1).map((match) => match.id)).toEqual(
          searchExact(query, next, 3, -1).map((match) => match.id),
        );
      }
      expect(second.search(next.get('v3') ?? vectors.get('v3')!, 5, 0.999).map((match) => match.id)).not.toContain(
        'v3',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rebuilds from the vectors when the cache is corrupt, of other settings, or mostly stale', () => {
    const dir = folder();
    try {
      const cacheFile = join(dir, 'hnsw.usearch');
      const vectors = randomVectors(500, 8, 'rebuild');
      createApproximateIndex({ dimensions: 8, cacheFile }).sync(vectors);
      // Mostly stale: another embedder gave every item a new vector.
      const other = randomVectors(500, 8, 'other-embedder');
      const restarted = createApproximateIndex({ dimensions: 8, cacheFile });
      restarted.sync(other);
      expect(restarted.lastSync).toMatchObject({ fromCache: 0, added: 500, saved: true });
      // Other settings: the saved graph is not taken over.
      const denser = createApproximateIndex({ dimensions: 8, connectivity: 32, cacheFile });
      denser.sync(other);
      expect(denser.lastSync.fromCache).toBe(0);
      // A corrupt graph file: rebuilt, and the search still right.
      writeFileSync(cacheFile, 'not a graph');
      const repaired = createApproximateIndex({ dimensions: 8, connectivity: 32, cacheFile });
      repaired.sync(other);
      expect(repaired.lastSync).toMatchObject({ fromCache: 0, added: 500 });
      const query = other.get('v9')!;
      expect(repaired.search(query, 3, -1).map((match) => match.id)).toEqual(
        searchExact(query, other, 3, -1).map((match) => match.id),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
