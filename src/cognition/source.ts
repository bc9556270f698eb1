import type { CognitionItem } from './item.js';

type MaybePromise<T> = T | Promise<T>;

/**
 * Where the retriever reads items and keeps their vectors. The store satisfies it through
 * `createStoreCognitionSource`; `createMemoryCognitionSource` is an in-memory one for tests and
 * tools. Vectors are keyed by item id under an embedder identity (`embedderIdentity`).
 */
export interface CognitionSource {
  listCognitionItems(): MaybePromise<CognitionItem[]>;
  getEmbeddings(embedderId: string): MaybePromise<Map<string, Float32Array>>;
  setEmbedding(itemId: string, embedderId: string, vector: Float32Array): MaybePromise<void>;
  /**
   * Optional: a number that grows by one with each change to items or vectors (each
   * `setEmbedding` counts one). With it the retriever keeps items, vectors and its index in
   * memory and reloads them only after a change it did not make itself.
   */
  revision?(): MaybePromise<number>;
}

/** An in-memory cognition source, with `add` and `remove` to change its items. */
export interface MemoryCognitionSource extends CognitionSource {
  /** Add or replace items by id; a replaced item loses its vectors. */
  add(items: CognitionItem[]): void;
  /** Remove an item and its vectors; false when there was none. */
  remove(itemId: string): boolean;
  listCognitionItems(): CognitionItem[];
  getEmbeddings(embedderId: string): Map<string, Float32Array>;
  setEmbedding(itemId: string, embedderId: string, vector: Float32Array): void;
  revision(): number;
}

/** A `CognitionSource` held in memory. */
export function createMemoryCognitionSource(items: CognitionItem[] = []): MemoryCognitionSource {
  const byId = new Map<string, CognitionItem>();
  const vectors = new Map<string, Map<string, Float32Array>>();
  let revision = 0;
  const add = (newItems: CognitionItem[]): void => {
    for (const item of newItems) {
      byId.set(item.id, item);
      for (const perEmbedder of vectors.values()) perEmbedder.delete(item.id);
      revision++;
    }
  };
  add(items);
  return {
    add,
    remove: (itemId) => {
      if (!byId.delete(itemId)) return false;
      for (const perEmbedder of vectors.values()) perEmbedder.delete(itemId);
      revision++;
      return true;
    },
    listCognitionItems: () => [...byId.values()],
    getEmbeddings: (embedderId) => new Map(vectors.get(embedderId) ?? []),
    setEmbedding: (itemId, embedderId, vector) => {
      let perEmbedder = vectors.get(embedderId);
      if (perEmbedder === undefined) {
        perEmbedder = new Map();
        vectors.set(embedderId, perEmbedder);
      }
      perEmbedder.set(itemId, vector);
      revision++;
    },
    revision: () => revision,
  };
}
