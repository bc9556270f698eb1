import { createApproximateIndex, type ApproximateIndex } from './approximate-index.js';
import { searchExact, type VectorMatch } from './vector-index.js';

/** When to leave exact search for the approximate index. */
export interface VectorSearchOptions {
  /** Above this many vectors, search an HNSW index (usearch). @default Infinity (always exact) */
  approximateAbove?: number;
  /** Candidates the approximate search explores per query. @default 128 */
  expansionSearch?: number;
  /** Where the approximate index's graph is kept between runs (see ApproximateIndexOptions.cacheFile). */
  cacheFile?: string;
}

/** Search over a map of vectors that is exact while small and approximate once large. */
export interface VectorSearch {
  /** Which search the last `sync` chose. */
  readonly kind: 'exact' | 'approximate';
  /** Follow these vectors (the map is read, not copied, by exact search). */
  sync(vectors: ReadonlyMap<string, Float32Array>): void;
  search(query: Float32Array, topK: number, threshold: number): VectorMatch[];
}

/**
 * Exact cosine search up to `approximateAbove` vectors; above it an approximate index is built
 * once and then kept in step incrementally (new, changed and removed vectors only).
 * @example
 * const search = createVectorSearch({ approximateAbove: 20_000 });
 * search.sync(vectors);
 * search.search(query, 3, 0.3);
 */
export function createVectorSearch(options: VectorSearchOptions = {}): VectorSearch {
  const approximateAbove = options.approximateAbove ?? Number.POSITIVE_INFINITY;
  let vectors: ReadonlyMap<string, Float32Array> = new Map();
  let approximate: ApproximateIndex | undefined;
  let kind: 'exact' | 'approximate' = 'exact';

  return {
    get kind() {
      return kind;
    },
    sync(next) {
      vectors = next;
      const first = next.values().next();
      if (next.size <= approximateAbove || first.done === true) {
        kind = 'exact';
        return;
      }
      approximate ??= createApproximateIndex({
        dimensions: first.value.length,
        ...(options.expansionSearch === undefined ? {} : { expansionSearch: options.expansionSearch }),
        ...(options.cacheFile === undefined ? {} : { cacheFile: options.cacheFile }),
      });
      approximate.sync(next);
      kind = 'approximate';
    },
    search(query, topK, threshold) {
      if (kind === 'approximate' && approximate !== undefined) return approximate.search(query, topK, threshold);
      return searchExact(query, vectors, topK, threshold);
    },
  };
}
