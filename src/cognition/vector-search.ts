import { createApproximateIndex, type ApproximateIndex } from './approximate-index.js';
import { createExactIndex, type ExactIndex } from './exact-index.js';
import type { VectorMatch } from './vector-index.js';

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
  /** Follow these vectors (exact search copies them into a matrix again only when they changed). */
  sync(vectors: ReadonlyMap<string, Float32Array>): void;
  search(query: Float32Array, topK: number, threshold: number): VectorMatch[];
}

/**
 * Exact cosine search up to `approximateAbove` vectors (a contiguous matrix scanned per query,
 * see createExactIndex); above it an approximate index is built once and then kept in step
 * incrementally (new, changed and removed vectors only).
 * @example
 * const search = createVectorSearch({ approximateAbove: 20_000 });
 * search.sync(vectors);
 * search.search(query, 3, 0.3);
 */
export function createVectorSearch(options: VectorSearchOptions = {}): VectorSearch {
  const approximateAbove = options.approximateAbove ?? Number.POSITIVE_INFINITY;
  let exact: ExactIndex = createExactIndex(new Map());
  let approximate: ApproximateIndex | undefined;
  let kind: 'exact' | 'approximate' = 'exact';

  return {
    get kind() {
      return kind;
    },
    sync(next) {
      const first = next.values().next();
      if (next.size <= approximateAbove || first.done === true) {
        if (!exact.holds(next)) exact = createExactIndex(next);
        kind = 'exact';
        return;
      }
      exact = createExactIndex(new Map());
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
      return exact.search(query, topK, threshold);
    },
  };
}
