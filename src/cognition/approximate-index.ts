import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AsiEvolveError } from '../errors.js';
import { requireOptional } from '../optional-dependency.js';
import { compareMatches, cosineWithNorm, vectorNorm, type VectorMatch } from './vector-index.js';

/** The part of usearch's `Index` we use (its own typings are ESM-only, and its ESM build crashes on load here). */
interface UsearchIndex {
  add(keys: BigUint64Array, vectors: Float32Array, threads?: number): void;
  search(vector: Float32Array, k: number, threads: number): { keys: BigUint64Array; distances: Float32Array };
  remove(keys: BigUint64Array): number | number[];
  size(): number;
  save(path: string): void;
  load(path: string): void;
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
 * prebuilt binary on Node 20, the CommonJS one does not. usearch is an optional package:
 * DEPENDENCY_MISSING names it when it is not installed, CONFIG_INVALID when it cannot load.
 */
export function loadUsearch(): UsearchModule {
  if (usearchModule !== undefined) return usearchModule;
  const use = {
    feature: 'the approximate cognition index (cognition.index.approximate_above)',
    packages: ['usearch'],
    key: 'cognition.index.approximate_above',
  };
  try {
    const required = requireOptional<UsearchModule>('usearch', use);
    usearchModule = required;
    return required;
  } catch (error) {
    if (AsiEvolveError.isInstance(error)) {
      // Not installed: the install command, or exact search, which needs nothing.
      throw new AsiEvolveError(error.code, error.message, {
        key: use.key,
        cause: error,
        hint: `${error.hint ?? ''}, or raise cognition.index.approximate_above to keep exact search.`,
      });
    }
    throw new AsiEvolveError(
      'CONFIG_INVALID',
      `The approximate vector index (usearch) cannot be loaded: ${error instanceof Error ? error.message : String(error)}`,
      {
        key: 'cognition.index.approximate_above',
        cause: error,
        hint: 'Reinstall dependencies (npm ci), or raise cognition.index.approximate_above to keep exact search.',
      },
    );
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
  /**
   * Where the built graph is kept between runs (this file and `<file>.keys.json`). At the first
   * sync the saved graph is loaded and only what changed since is added or removed, instead of
   * rebuilding the whole graph (1–2 minutes at 100k vectors). Absent: built in memory each time.
   */
  cacheFile?: string;
}

/** An approximate nearest-neighbour index over named vectors, kept in step with a map of them. */
export interface ApproximateIndex {
  readonly size: number;
  /** What the last sync did: vectors taken over from the saved graph, added, removed; whether it saved. */
  readonly lastSync: { fromCache: number; added: number; removed: number; saved: boolean };
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

/** A 32-bit FNV-1a checksum of a vector's bytes: tells a saved vector from a changed one. */
function checksum(vector: Float32Array): number {
  return bytesChecksum(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength));
}

/** FNV-1a over 32-bit words (then the last bytes): a quarter of the steps of a byte-wise hash, for files of 100 MB. */
function bytesChecksum(bytes: Uint8Array): number {
  const words = Math.floor(bytes.byteLength / 4);
  // A copy when unaligned: Uint32Array needs an offset that is a multiple of 4.
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const view = new Uint32Array(aligned.buffer, aligned.byteOffset, words);
  let hash = 2166136261;
  for (let index = 0; index < words; index++) hash = Math.imul(hash ^ (view[index] as number), 16777619);
  for (let index = words * 4; index < bytes.byteLength; index++)
    hash = Math.imul(hash ^ (bytes[index] as number), 16777619);
  return hash >>> 0;
}

/** What `<cacheFile>.keys.json` holds beside the saved graph. */
interface SavedKeys {
  version: 1;
  dimensions: number;
  connectivity: number;
  expansionAdd: number;
  nextKey: string;
  /** Size and checksum of the graph file: usearch would crash on a damaged one, so it is checked first. */
  graphBytes: number;
  graphChecksum: number;
  /** [item id, graph key, vector checksum] */
  entries: Array<[string, string, number]>;
}

/** Saving rewrites the whole graph file: after a build, or once this many changes piled up (or 1 % of the graph). */
const changesBetweenSaves = 1_000;

/**
 * An HNSW index (usearch, cosine metric, f16 storage) that follows a map of vectors. Zero
 * vectors are left out, since they match nothing. With `cacheFile`, the graph outlives the
 * process: a restart loads it and applies only the changes.
 * @example
 * const index = createApproximateIndex({ dimensions: 512, cacheFile: join(experiment.dir, '.cognition-index', 'graph.usearch') });
 * index.sync(vectors);
 * index.search(query, 3, 0.1);
 */
export function createApproximateIndex(options: ApproximateIndexOptions): ApproximateIndex {
  const { Index } = loadUsearch();
  const settings = { connectivity: options.connectivity ?? 16, expansionAdd: options.expansionAdd ?? 64 };
  const newIndex = (): UsearchIndex =>
    new Index({
      metric: 'cos',
      dimensions: options.dimensions,
      connectivity: settings.connectivity,
      expansion_add: settings.expansionAdd,
      expansion_search: options.expansionSearch ?? 128,
      quantization: 'f16',
    });
  let index = newIndex();
  const held = new Map<string, Held>();
  const idByKey = new Map<bigint, string>();
  let nextKey = 1n;
  let triedCache = false;
  let unsavedChanges = 0;
  let lastSync = { fromCache: 0, added: 0, removed: 0, saved: false };

  const checkLength = (id: string, vector: Float32Array): void => {
    if (vector.length !== options.dimensions) {
      throw new AsiEvolveError(
        'STORE_CORRUPT',
        `Vector of cognition item "${id}" has ${vector.length} dimensions, the index has ${options.dimensions}`,
        {
          key: id,
          hint: 'Vectors of different embedders were mixed; re-embed the cognition items.',
        },
      );
    }
  };

  /** Takes over a saved graph whose settings match; its entries for gone or changed vectors are removed. */
  const loadCache = (file: string, vectors: ReadonlyMap<string, Float32Array>): void => {
    const keysFile = `${file}.keys.json`;
    if (!existsSync(file) || !existsSync(keysFile)) return;
    try {
      const saved = JSON.parse(readFileSync(keysFile, 'utf8')) as SavedKeys;
      if (
        saved.version !== 1 ||
        saved.dimensions !== options.dimensions ||
        saved.connectivity !== settings.connectivity ||
        saved.expansionAdd !== settings.expansionAdd
      )
        return;
      const stale: bigint[] = [];
      // Mostly changed (another embedder, say): removing nearly everything costs more than a fresh build.
      const unchanged = saved.entries.map(([id, , sum]) => {
        const vector = vectors.get(id);
        return vector !== undefined && vector.length === options.dimensions && checksum(vector) === sum;
      });
      if (unchanged.filter(Boolean).length < saved.entries.length / 2) return;
      const graph = readFileSync(file);
      if (graph.length !== saved.graphBytes || bytesChecksum(graph) !== saved.graphChecksum) return;
      index.load(file);
      saved.entries.forEach(([id, keyText], position) => {
        const key = BigInt(keyText);
        const vector = vectors.get(id);
        if (vector === undefined || !unchanged[position]) {
          stale.push(key);
          return;
        }
        held.set(id, { key, vector });
        idByKey.set(key, id);
      });
      if (stale.length > 0) index.remove(BigUint64Array.from(stale));
      unsavedChanges += stale.length;
      nextKey = BigInt(saved.nextKey);
    } catch {
      // An unreadable or foreign cache is rebuilt from the vectors, as without one.
      held.clear();
      idByKey.clear();
      nextKey = 1n;
      index = newIndex();
    }
  };

  const saveCache = (file: string): void => {
    mkdirSync(dirname(file), { recursive: true });
    const entries: SavedKeys['entries'] = [...held].map(([id, entry]) => [
      id,
      entry.key.toString(),
      checksum(entry.vector),
    ]);
    // Graph first, then keys: a crash between them leaves no keys or keys that do not match, and the cache is rebuilt.
    rmSync(`${file}.keys.json`, { force: true });
    index.save(`${file}.tmp`);
    const graph = readFileSync(`${file}.tmp`);
    renameSync(`${file}.tmp`, file);
    const keys: SavedKeys = {
      version: 1,
      dimensions: options.dimensions,
      ...settings,
      nextKey: nextKey.toString(),
      graphBytes: graph.length,
      graphChecksum: bytesChecksum(graph),
      entries,
    };
    writeFileSync(`${file}.keys.json.tmp`, JSON.stringify(keys));
    renameSync(`${file}.keys.json.tmp`, `${file}.keys.json`);
    unsavedChanges = 0;
  };

  const sync = (vectors: ReadonlyMap<string, Float32Array>): void => {
    let fromCache = 0;
    if (!triedCache && options.cacheFile !== undefined) {
      triedCache = true;
      loadCache(options.cacheFile, vectors);
      fromCache = held.size;
    }
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
    if (added.length > 0) {
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
    }
    unsavedChanges += removed.length + added.length;
    const save =
      options.cacheFile !== undefined &&
      unsavedChanges > 0 &&
      unsavedChanges >= Math.min(changesBetweenSaves, Math.max(1, held.size / 100));
    if (save) saveCache(options.cacheFile as string);
    lastSync = { fromCache, added: added.length, removed: removed.length, saved: save };
  };
  const search = (query: Float32Array, topK: number, threshold: number): VectorMatch[] => {
    if (topK <= 0 || held.size === 0 || isZero(query)) return [];
    if (query.length !== options.dimensions) {
      throw new AsiEvolveError(
        'STORE_CORRUPT',
        `The query has ${query.length} dimensions, the index has ${options.dimensions}`,
        {
          hint: 'Vectors of different embedders were mixed; re-embed the cognition items.',
        },
      );
    }
    const wanted = Math.min(held.size, Math.max(topK * 2, topK + 16));
    const found = index.search(query, wanted, 1);
    const queryNorm = vectorNorm(query);
    const matches: VectorMatch[] = [];
    for (const key of found.keys) {
      const id = idByKey.get(key);
      const entry = id === undefined ? undefined : held.get(id);
      if (id === undefined || entry === undefined) continue;
      const score = cosineWithNorm(query, queryNorm, entry.vector) ?? 0;
      if (score >= threshold) matches.push({ id, score });
    }
    matches.sort(compareMatches);
    return matches.slice(0, topK);
  };

  return {
    get size() {
      return held.size;
    },
    get lastSync() {
      return lastSync;
    },
    sync,
    search,
  };
}
