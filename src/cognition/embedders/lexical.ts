import type { Embedder } from './embedder.js';
import { fnv1a, lexicalTokens, mix32 } from './tokenise.js';

/** Options of the built-in lexical embedder. */
export interface LexicalEmbedderOptions {
  /** Number of hash buckets, i.e. the vector length. @default 512 */
  dimensions?: number;
}

/**
 * A cosine threshold that suits the lexical embedder. Its score is roughly the weighted share
 * of words and word pairs two texts have in common: two unrelated texts score about 0, a
 * query that shares a few key words with an item scores 0.1–0.25, and near-duplicates score
 * above 0.5. Measured on the examples' items (`bench/lexical-threshold.ts`), an analysis finds
 * its best relevant item at 0.20 (median; 0.13 for the lowest tenth) and its third at 0.15: at
 * 0.08, 23 of 24 queries get three relevant items, while at 0.3 (a neural embedder's threshold)
 * 19 of 24 get none. It is the default of `cognition.retrieval.score_threshold` for this embedder.
 */
export const suggestedLexicalThreshold = 0.08;

/**
 * The built-in embedder: hashed bag of words and word bigrams, weighted by sublinear term
 * frequency (1 + ln tf), each token hashed (FNV-1a) into one of `dimensions` buckets with a
 * hashed sign, then L2-normalised. It needs no model and no network, and is deterministic. A
 * text with no words (empty, or only stopwords) gives the zero vector, which retrieval treats
 * as "no query".
 * @example
 * const embedder = createLexicalEmbedder({ dimensions: 512 });
 * const { embeddings } = await embedder.embed({ values: ['hexagonal packing near the edges'] });
 */
export function createLexicalEmbedder(options: LexicalEmbedderOptions = {}): Embedder {
  const dimensions = options.dimensions ?? 512;
  if (!Number.isInteger(dimensions) || dimensions < 1) {
    throw new TypeError(`Expected \`dimensions\` to be a positive integer, got ${String(dimensions)}`);
  }
  return {
    provider: 'builtin',
    modelId: 'lexical-hash-v1',
    dimensions,
    maxValuesPerCall: Number.POSITIVE_INFINITY,
    embed: async ({ values, abortSignal }) => {
      abortSignal?.throwIfAborted();
      return { embeddings: values.map((value) => embedLexical(value, dimensions)), usage: { tokens: undefined } };
    },
  };
}

/** The lexical vector of one text (see `createLexicalEmbedder`). */
export function embedLexical(text: string, dimensions: number): Float32Array {
  const counts = new Map<string, number>();
  for (const token of lexicalTokens(text)) counts.set(token, (counts.get(token) ?? 0) + 1);
  const accumulator = new Float64Array(dimensions);
  for (const [token, count] of counts) {
    const hash = fnv1a(token);
    const sign = (mix32(hash) & 0x80000000) === 0 ? 1 : -1;
    accumulator[hash % dimensions]! += sign * (1 + Math.log(count));
  }
  let squares = 0;
  for (const value of accumulator) squares += value * value;
  const vector = new Float32Array(dimensions);
  if (squares === 0) return vector;
  const norm = Math.sqrt(squares);
  for (let index = 0; index < dimensions; index++) vector[index] = accumulator[index]! / norm;
  return vector;
}
