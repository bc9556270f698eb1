import { describe, expect, it } from 'vitest';
import { AsiEvolveError } from '../errors.js';
import { createRandom } from '../random.js';
import { EvictionIndex, selectEvictions, type EvictionCandidate } from './eviction.js';

function node(id: number, score: number | null, parentIds: number[] = []): EvictionCandidate {
  return { id, score, success: score !== null, parentIds };
}

describe('selectEvictions', () => {
  it('evicts nothing when unbounded or within max_size', () => {
    const nodes = [node(0, 1), node(1, 2)];
    expect(selectEvictions({ nodes, maxSize: null })).toEqual([]);
    expect(selectEvictions({ nodes, maxSize: 2 })).toEqual([]);
  });

  it('evicts the worst first: failed (oldest first), then lowest score, then oldest', () => {
    const nodes = [node(0, 5), node(1, 3), node(2, null), node(3, 3), node(4, null), node(5, 9), node(6, 1)];
    expect(selectEvictions({ nodes, maxSize: 1 })).toEqual([2, 4, 6, 1, 3, 0]);
    expect(selectEvictions({ nodes, maxSize: 5 })).toEqual([2, 4]);
  });

  it('spares the best node even when every other node must go', () => {
    const nodes = [node(0, null), node(1, 0.5), node(2, 7), node(3, 7), node(4, 2)];
    const evicted = selectEvictions({ nodes, maxSize: 1 });
    expect(evicted).not.toContain(2);
    expect(evicted).toHaveLength(4);
  });

  it('spares the given best id too, and nodes in use by rounds in flight', () => {
    const nodes = [node(0, 1), node(1, 2), node(2, 3), node(3, 4)];
    const evicted = selectEvictions({ nodes, maxSize: 1, bestId: 1, inFlightIds: new Set([0]) });
    expect(evicted).toEqual([2]);
  });

  it('never evicts the first parent of a node that stays, but frees it once its children go', () => {
    // 0 ← 1 ← 2 (first parents); 3 is a context node of 2 only, so it is not protected.
    const nodes = [node(0, 0.1), node(1, 0.2, [0]), node(2, 0.05, [1, 3]), node(3, 0.3, [0]), node(4, 10, [0])];
    expect(selectEvictions({ nodes, maxSize: 4 })).toEqual([2]);
    // Evicting 2 leaves 1 childless, so 1 is next; 0 stays: it is the parent of the best (4).
    expect(selectEvictions({ nodes, maxSize: 2 })).toEqual([2, 1, 3]);
    expect(selectEvictions({ nodes, maxSize: 1 })).toEqual([2, 1, 3]);
  });

  it('refuses a max_size that is not a positive integer', () => {
    try {
      selectEvictions({ nodes: [], maxSize: 0 });
      throw new Error('expected an error');
    } catch (error) {
      expect(AsiEvolveError.isInstance(error) && error.key).toBe('database.max_size');
    }
  });

  it('keeps every guarantee on a large random tree', () => {
    const random = createRandom('eviction');
    const nodes: EvictionCandidate[] = [node(0, 1)];
    for (let id = 1; id < 5000; id++) {
      const failed = random.next() < 0.2;
      nodes.push(node(id, failed ? null : random.next() * 100, [random.int(id), random.int(id)]));
    }
    const inFlight = [4999, 17, 2500];
    const evicted = new Set(selectEvictions({ nodes, maxSize: 1000, inFlightIds: inFlight }));
    const kept = nodes.filter((candidate) => !evicted.has(candidate.id));
    const keptIds = new Set(kept.map((candidate) => candidate.id));
    for (const candidate of kept) {
      const parent = candidate.parentIds[0];
      if (parent !== undefined) expect(keptIds.has(parent)).toBe(true);
    }
    for (const id of inFlight) expect(keptIds.has(id)).toBe(true);
    const best = nodes.reduce((top, candidate) => ((candidate.score ?? -1) > (top.score ?? -1) ? candidate : top));
    expect(keptIds.has(best.id)).toBe(true);
    expect(kept.length).toBeGreaterThanOrEqual(1000);
    // Whatever stayed beyond max_size is protected (a parent of a kept node, in flight, or the best).
    const parents = new Set(kept.map((candidate) => candidate.parentIds[0]));
    const unprotected = kept.filter(
      (candidate) => !parents.has(candidate.id) && !inFlight.includes(candidate.id) && candidate.id !== best.id,
    );
    if (kept.length > 1000) expect(unprotected).toEqual([]);
  });
});

describe('EvictionIndex', () => {
  it('evicts, node by node as a run grows, exactly what selectEvictions chooses over the live nodes', () => {
    const random = createRandom('eviction-index');
    const index = new EvictionIndex();
    const live = new Map<number, EvictionCandidate>();
    const maxSize = 300;
    for (let id = 0; id < 2000; id++) {
      const ids = [...live.keys()];
      const parents =
        ids.length === 0 ? [] : [ids[random.int(ids.length)] as number, ids[random.int(ids.length)] as number];
      const added = node(id, random.next() < 0.2 ? null : Math.round(random.next() * 50), parents);
      live.set(id, added);
      index.add(added);
      if (live.size <= maxSize) continue;
      const inFlight = new Set([ids[random.int(ids.length)] as number, id]);
      const expected = selectEvictions({ nodes: [...live.values()], maxSize, inFlightIds: inFlight });
      // The loop spares its best node by id; selectEvictions finds it by itself.
      const best = [...live.values()].reduce((top, candidate) =>
        (candidate.score ?? -1) > (top.score ?? -1) ||
        ((candidate.score ?? -1) === (top.score ?? -1) && candidate.id < top.id)
          ? candidate
          : top,
      );
      expect(index.evict(live.size - maxSize, new Set([...inFlight, best.id]))).toEqual(expected);
      for (const evicted of expected) live.delete(evicted);
      expect(index.size).toBe(live.size);
    }
  });

  it('makes a parent evictable again once its last child is deleted', () => {
    const index = EvictionIndex.from([node(0, 1), node(1, 5, [0]), node(2, 9)]);
    expect(index.evict(1, new Set([2]))).toEqual([1]);
    expect(index.evict(1, new Set([2]))).toEqual([0]);
    expect(index.evict(1, new Set([2]))).toEqual([]);
  });
});
