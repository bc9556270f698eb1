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
export function searchExact(query: Float32Array, vectors: ReadonlyMap<string, Float32Array>, topK: number, threshold: number): VectorMatch[] {
  if (topK <= 0) return [];
  let querySquares = 0;
  for (const value of query) querySquares += value * value;
  if (querySquares === 0) return [];
  const queryNorm = Math.sqrt(querySquares);

  // The best `topK` so far, best first: one pass with a bounded insertion, no sort of all scores.
  const matches: VectorMatch[] = [];
  for (const [id, vector] of vectors) {
    if (vector.length !== query.length) {
      throw new AsiEvolveError('STORE_CORRUPT', `Vector of cognition item "${id}" has ${vector.length} dimensions, the query has ${query.length}`, {
        key: id,
        hint: 'Vectors of different embedders were mixed; re-embed the cognition items.',
      });
    }
    let dot = 0;
    let squares = 0;
    for (let index = 0; index < vector.length; index++) {
      const value = vector[index]!;
      dot += value * query[index]!;
      squares += value * value;
    }
    if (squares === 0) continue;
    const score = dot / (queryNorm * Math.sqrt(squares));
    if (score < threshold) continue;
    if (topK > 64) {
      matches.push({ id, score });
      continue;
    }
    const last = matches[matches.length - 1];
    if (matches.length === topK && last !== undefined && (score < last.score || compareMatches({ id, score }, last) >= 0)) continue;
    let position = matches.length;
    while (position > 0 && compareMatches({ id, score }, matches[position - 1]!) < 0) position--;
    matches.splice(position, 0, { id, score });
    if (matches.length > topK) matches.pop();
  }
  // A large topK collects every match and sorts once; insertion would be quadratic.
  return topK > 64 ? matches.sort(compareMatches).slice(0, topK) : matches;
}

/** Best first; ties by id, so the order is stable. */
function compareMatches(left: VectorMatch, right: VectorMatch): number {
  return right.score - left.score || (left.id < right.id ? -1 : left.id > right.id ? 1 : 0);
}
