import { createRequire } from 'node:module';
import { compareMatches, cosineWithNorm, searchExact, vectorNorm, type VectorMatch } from './vector-index.js';

/** usearch's brute-force search (SIMD); the part of it used here. */
type UsearchExactSearch = (
  dataset: Float32Array,
  queries: Float32Array,
  dimensions: number,
  count: number,
  metric: 'ip',
  threads: number,
) => { keys: BigUint64Array; distances: Float32Array };

let usearchExactSearch: UsearchExactSearch | null | undefined;

/** usearch's exact search when the package loads (through `require`, see loadUsearch), else null: the JavaScript scan serves. */
function loadUsearchExactSearch(): UsearchExactSearch | null {
  if (usearchExactSearch !== undefined) return usearchExactSearch;
  try {
    const module = createRequire(import.meta.url)('usearch') as { exactSearch?: UsearchExactSearch };
    usearchExactSearch = typeof module.exactSearch === 'function' ? module.exactSearch : null;
  } catch {
    usearchExactSearch = null;
  }
  return usearchExactSearch;
}

/** Candidates taken beyond `topK` before their scores are recomputed exactly. */
const candidateMargin = 32;
/** More than the rounding error of a float32 dot product of unit vectors, far less than any score gap that matters. */
const roundingSlack = 1e-4;

/** Options of {@link createExactIndex}. */
export interface ExactIndexOptions {
  /** Use usearch's SIMD scan when it loads. @default true (false: always the JavaScript scan) */
  simd?: boolean;
}

/** Exact cosine search over a fixed set of named vectors (see {@link createExactIndex}). */
export interface ExactIndex {
  readonly size: number;
  /** Whether this index was built from exactly these vectors (same ids, same vector objects, same order). */
  holds(vectors: ReadonlyMap<string, Float32Array>): boolean;
  /** The same answer as `searchExact(query, vectors, topK, threshold)`, scores and order included. */
  search(query: Float32Array, topK: number, threshold: number): VectorMatch[];
}

/**
 * Exact cosine search that stays fast at 10,000s of vectors: the vectors are copied once into
 * one contiguous matrix of unit rows, each query is scanned against it (usearch's SIMD
 * brute-force search, or a tight JavaScript loop), and the best candidates are re-scored with
 * the same cosine as {@link searchExact}, so scores and order are identical to it. When the
 * scan cannot prove that no left-out vector reaches the result (near-ties at its edge),
 * it answers with `searchExact` itself. Vectors of mixed lengths are searched by `searchExact`
 * too (which reports them).
 * @example
 * const index = createExactIndex(vectors);
 * index.search(queryVector, 3, 0.1);
 */
export function createExactIndex(
  vectors: ReadonlyMap<string, Float32Array>,
  options: ExactIndexOptions = {},
): ExactIndex {
  // A snapshot: the caller's map may change later (it builds a new index then).
  const held = new Map(vectors);
  const ids = [...held.keys()];
  const sources = [...held.values()];
  const dimensions = sources[0]?.length ?? 0;
  const uniform = dimensions > 0 && sources.every((vector) => vector.length === dimensions);
  const matrix = uniform ? unitRows(sources, dimensions) : null;
  const simd = options.simd === false ? null : loadUsearchExactSearch();

  const candidates = (unitQuery: Float32Array, count: number): { rows: number[]; floor: number } => {
    if (matrix === null) return { rows: [], floor: Number.POSITIVE_INFINITY };
    if (simd !== null) {
      const { keys, distances } = simd(matrix, unitQuery, dimensions, count, 'ip', 1);
      const rows: number[] = [];
      let floor = Number.POSITIVE_INFINITY;
      for (let index = 0; index < keys.length; index++) {
        rows.push(Number(keys[index]));
        floor = Math.min(floor, 1 - (distances[index] as number));
      }
      return { rows, floor };
    }
    return scanTop(matrix, dimensions, unitQuery, count);
  };

  return {
    size: ids.length,
    holds(next) {
      if (next.size !== ids.length) return false;
      let index = 0;
      for (const [id, vector] of next) {
        if (ids[index] !== id || sources[index] !== vector) return false;
        index++;
      }
      return true;
    },
    search(query, topK, threshold) {
      if (topK <= 0) return [];
      if (matrix === null || query.length !== dimensions) return searchExact(query, held, topK, threshold);
      const queryNorm = vectorNorm(query);
      if (queryNorm === 0) return [];
      const unitQuery = new Float32Array(dimensions);
      for (let index = 0; index < dimensions; index++) unitQuery[index] = (query[index] as number) / queryNorm;
      const count = Math.min(ids.length, topK + candidateMargin);
      const { rows, floor } = candidates(unitQuery, count);
      const matches: VectorMatch[] = [];
      for (const row of rows) {
        const score = cosineWithNorm(query, queryNorm, sources[row] as Float32Array);
        if (score !== null && score >= threshold) matches.push({ id: ids[row] as string, score });
      }
      matches.sort(compareMatches);
      const result = matches.slice(0, topK);
      // A vector left out scored at most `floor` (up to rounding): it can only matter if that reaches the bar.
      const bar = result.length === topK ? (result[topK - 1] as VectorMatch).score : threshold;
      if (rows.length < ids.length && floor + roundingSlack >= bar) return searchExact(query, held, topK, threshold);
      return result;
    },
  };
}

/** The vectors as one matrix of unit rows (a zero vector stays a zero row). */
function unitRows(sources: readonly Float32Array[], dimensions: number): Float32Array {
  const matrix = new Float32Array(sources.length * dimensions);
  sources.forEach((vector, row) => {
    const norm = vectorNorm(vector);
    if (norm === 0) return;
    const offset = row * dimensions;
    for (let index = 0; index < dimensions; index++) matrix[offset + index] = (vector[index] as number) / norm;
  });
  return matrix;
}

/** The `count` rows with the highest dot product with `unitQuery`, and the lowest of their scores. */
function scanTop(
  matrix: Float32Array,
  dimensions: number,
  unitQuery: Float32Array,
  count: number,
): { rows: number[]; floor: number } {
  const rows = matrix.length / dimensions;
  // The best `count` so far, kept sorted best first (count is small: topK plus a margin).
  const bestRows: number[] = [];
  const bestScores: number[] = [];
  const unrolled = dimensions - (dimensions % 4);
  for (let row = 0, offset = 0; row < rows; row++, offset += dimensions) {
    let sum0 = 0;
    let sum1 = 0;
    let sum2 = 0;
    let sum3 = 0;
    let index = 0;
    for (; index < unrolled; index += 4) {
      sum0 += (matrix[offset + index] as number) * (unitQuery[index] as number);
      sum1 += (matrix[offset + index + 1] as number) * (unitQuery[index + 1] as number);
      sum2 += (matrix[offset + index + 2] as number) * (unitQuery[index + 2] as number);
      sum3 += (matrix[offset + index + 3] as number) * (unitQuery[index + 3] as number);
    }
    for (; index < dimensions; index++) sum0 += (matrix[offset + index] as number) * (unitQuery[index] as number);
    const score = sum0 + sum1 + sum2 + sum3;
    if (bestRows.length === count && score <= (bestScores[count - 1] as number)) continue;
    let position = bestRows.length;
    while (position > 0 && score > (bestScores[position - 1] as number)) position--;
    bestRows.splice(position, 0, row);
    bestScores.splice(position, 0, score);
    if (bestRows.length > count) {
      bestRows.pop();
      bestScores.pop();
    }
  }
  return { rows: bestRows, floor: bestScores[bestScores.length - 1] ?? Number.POSITIVE_INFINITY };
}
