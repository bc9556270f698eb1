import { createRequire } from 'node:module';
import { AsiEvolveError } from '../errors.js';
import type { VectorMatch } from './vector-index.js';

/** The part of usearch's `Index` we use (its own typings are ESM-only, and its ESM build crashes on load here). */
interface UsearchIndex {
  add(keys: BigUint64Array, vectors: Float32Array, threads?: number): void;
  search(vector: Float32Array, k: number, threads: number): { keys: BigUint64Array; distances: Float32Array };
  remove(keys: BigUint64Array): number | number[];
  size(): number;
}

interface UsearchModule {
  Index: new (config: {
    metric: string;
    dimensions: number;
    connectivity: number;
    expansion_add: number;
    expansion_search: number;
    quantization: string;
  }) => UsearchIndex;
}

let usearchModule: UsearchModule | undefined;

/**
 * Loads usearch through `require`: its ESM entry overflows the stack while locating its
 * prebuilt binary on Node 20, the CommonJS one does not. Throws `CONFIG_INVALID` with a hint
 * when the package cannot load.
 */
export function loadUsearch(): UsearchModule {
  if (usearchModule !== undefined) return usearchModule;
  try {
    const required = createRequire(import.meta.url)('usearch') as UsearchModule;
    usearchModule = required;
    return required;
  } catch (error) {
    throw new AsiEvolveError('CONFIG_INVALID', `The approximate vector index (usearch) cannot be loaded: ${error instanceof Error ? error.message : String(error)}`, {
      key: 'cognition.index.approximate_above',
      cause: error,
      hint: 'Reinstall dependencies (npm ci), or raise cognition.index.approximate_above to keep exact search.',
    });
  }
}

/** How the HNSW graph is built; the defaults were measured in bench/cognition.ts. */
export interface ApproximateIndexOptions {
  dimensions: number;
  /** Neighbours per graph node. @default 16 */
  connectivity?: number;
  /** Candidates explored while inserting: 64 gave recall@10 1.000 at 50k lexical vectors, 32 gave 0.984 in half the time. @default 64 */
  expansionAdd?: number;
  /** Candidates explored per query. @default 128 */
  expansionSearch?: number;
}

/** An approximate nearest-neighbour index over named vectors, kept in step with a map of them. */
export interface ApproximateIndex {
  readonly size: number;
  /** Makes the index hold exactly these vectors: adds new ids, removes gone ones, replaces changed ones. */
  sync(vectors: ReadonlyMap<string, Float32Array>): void;
  /**
   * The `topK` best matches with a cosine of at least `threshold`, best first. Candidates come
   * from the graph; their scores are recomputed exactly from the original vectors.
   */
  search(query: Float32Array, topK: number, threshold: number): VectorMatch[];
}

interface Held {
  key: bigint;
  vector: Float32Array;
}

/** Cosine computed exactly as `searchExact` does, so both searches give identical scores. */
function cosine(query: Float32Array, vector: Float32Array): number {
  let querySquares = 0;
  for (const value of query) querySquares += value * value;
  let dot = 0;
  let squares = 0;
  for (let index = 0; index < vector.length; index++) {
    const value = vector[index]!;
    dot += value * query[index]!;
    squares += value * value;
  }
  return querySquares === 0 || squares === 0 ? 0 : dot / (Math.sqrt(querySquares) * Math.sqrt(squares));
}

function isZero(vector: Float32Array): boolean {
  for (const value of vector) if (value !== 0) return false;
  return true;
}

function sameValues(left: Float32Array, right: Float32Array): boolean {
  if (left === right) return true;
  if (left.length !== right.length) return false;
  for (let index = 0; index < left.length; index++) if (left[index] !== right[index]) return false;
  return true;
}

/**
 * An HNSW index (usearch, cosine metric, f16 storage) that follows a map of vectors. Zero
 * vectors are left out, since they match nothing.
 * @example
 * const index = createApproximateIndex({ dimensions: 512 });
 * index.sync(vectors);
 * index.search(query, 3, 0.1);
 */
export function createApproximateIndex(options: ApproximateIndexOptions): ApproximateIndex {
  const { Index } = loadUsearch();
  const index = new Index({
    metric: 'cos',
    dimensions: options.dimensions,
    connectivity: options.connectivity ?? 16,
    expansion_add: options.expansionAdd ?? 64,
    expansion_search: options.expansionSearch ?? 128,
    quantization: 'f16',
  });
  const held = new Map<string, Held>();
  const idByKey = new Map<bigint, string>();
  let nextKey = 1n;

  const checkLength = (id: string, vector: Float32Array): void => {
    if (vector.length !== options.dimensions) {
      throw new AsiEvolveError('STORE_CORRUPT', `Vector of cognition item "${id}" has ${vector.length} dimensions, the index has ${options.dimensions}`, {
        key: id,
        hint: 'Vectors of different embedders were mixed; re-embed the cognition items.',
      });
    }
  };

  const sync = (vectors: ReadonlyMap<string, Float32Array>): void => {
    const removed: bigint[] = [];
    const added: Array<[string, Float32Array]> = [];
    for (const [id, entry] of held) {
      const current = vectors.get(id);
      if (current === undefined || !sameValues(current, entry.vector)) {
        removed.push(entry.key);
        idByKey.delete(entry.key);
        held.delete(id);
      } else if (current !== entry.vector) {
        entry.vector = current;
      }
    }
    for (const [id, vector] of vectors) {
      if (held.has(id)) continue;
      checkLength(id, vector);
      if (!isZero(vector)) added.push([id, vector]);
    }
    if (removed.length > 0) index.remove(BigUint64Array.from(removed));
    if (added.length === 0) return;
    const keys = new BigUint64Array(added.length);
    const matrix = new Float32Array(added.length * options.dimensions);
    added.forEach(([id, vector], position) => {
      const key = nextKey++;
      keys[position] = key;
      matrix.set(vector, position * options.dimensions);
      held.set(id, { key, vector });
      idByKey.set(key, id);
    });
    index.add(keys, matrix);
  };

  const search = (query: Float32Array, topK: number, threshold: number): VectorMatch[] => {
    if (topK <= 0 || held.size === 0 || isZero(query)) return [];
    if (query.length !== options.dimensions) {
      throw new AsiEvolveError('STORE_CORRUPT', `The query has ${query.length} dimensions, the index has ${options.dimensions}`, {
        hint: 'Vectors of different embedders were mixed; re-embed the cognition items.',
      });
    }
    const wanted = Math.min(held.size, Math.max(topK * 2, topK + 16));
    const found = index.search(query, wanted, 1);
    const matches: VectorMatch[] = [];
    for (const key of found.keys) {
      const id = idByKey.get(key);
      const entry = id === undefined ? undefined : held.get(id);
      if (id === undefined || entry === undefined) continue;
      const score = cosine(query, entry.vector);
      if (score >= threshold) matches.push({ id, score });
    }
    matches.sort((left, right) => right.score - left.score || (left.id < right.id ? -1 : left.id > right.id ? 1 : 0));
    return matches.slice(0, topK);
  };

  return {
    get size() {
      return held.size;
    },
    sync,
    search,
  };
}
