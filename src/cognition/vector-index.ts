import { AsiEvolveError } from '../errors.js';

/** One search hit: an id and its cosine similarity to the query. */
export interface VectorMatch {
  id: string;
  score: number;
}

/**
 * Exact cosine search: every vector is scored against the query and the best `topK` with a
 * score of at least `threshold` are returned, best first (ties by id, so the order is stable).
 * Vectors need not be normalised. A zero query means "no query" and returns nothing; a zero
 * vector never matches. A vector whose length differs from the query's is an error, since
 * vectors of one embedder always share a length.
 * @example
 * searchExact(queryVector, vectors, 3, 0.3); // [{ id: 'cog-…', score: 0.71 }, …]
 */
export function searchExact(
  query: Float32Array,
  vectors: ReadonlyMap<string, Float32Array>,
  topK: number,
  threshold: number,
): VectorMatch[] {
  if (topK <= 0) return [];
  const queryNorm = vectorNorm(query);
  if (queryNorm === 0) return [];

  // The best `topK` so far, best first: one pass with a bounded insertion, no sort of all scores.
  const matches: VectorMatch[] = [];
  for (const [id, vector] of vectors) {
    if (vector.length !== query.length) {
      throw new AsiEvolveError(
        'STORE_CORRUPT',
        `Vector of cognition item "${id}" has ${vector.length} dimensions, the query has ${query.length}`,
        {
          key: id,
          hint: 'Vectors of different embedders were mixed; re-embed the cognition items.',
        },
      );
    }
    const score = cosineWithNorm(query, queryNorm, vector);
    if (score === null || score < threshold) continue;
    if (topK > 64) {
      matches.push({ id, score });
      continue;
    }
    const last = matches[matches.length - 1];
    if (
      matches.length === topK &&
      last !== undefined &&
      (score < last.score || compareMatches({ id, score }, last) >= 0)
    )
      continue;
    let position = matches.length;
    while (position > 0 && compareMatches({ id, score }, matches[position - 1]!) < 0) position--;
    matches.splice(position, 0, { id, score });
    if (matches.length > topK) matches.pop();
  }
  // A large topK collects every match and sorts once; insertion would be quadratic.
  return topK > 64 ? matches.sort(compareMatches).slice(0, topK) : matches;
}

/** The Euclidean norm of a vector. */
export function vectorNorm(vector: Float32Array): number {
  let squares = 0;
  for (const value of vector) squares += value * value;
  return Math.sqrt(squares);
}

/**
 * The cosine of `vector` with a query whose norm is `queryNorm` (computed once per query); null
 * for a zero vector, which matches nothing. Exact and approximate search both score with this,
 * so their scores are identical.
 */
export function cosineWithNorm(query: Float32Array, queryNorm: number, vector: Float32Array): number | null {
  let dot = 0;
  let squares = 0;
  for (let index = 0; index < vector.length; index++) {
    const value = vector[index]!;
    dot += value * query[index]!;
    squares += value * value;
  }
  return squares === 0 ? null : dot / (queryNorm * Math.sqrt(squares));
}

/** Best first; ties by id, so the order is stable. */
export function compareMatches(left: VectorMatch, right: VectorMatch): number {
  return right.score - left.score || (left.id < right.id ? -1 : left.id > right.id ? 1 : 0);
}
