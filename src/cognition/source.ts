import type { CognitionItem } from './item.js';

type MaybePromise<T> = T | Promise<T>;

/**
 * Where the retriever reads items and keeps their vectors. The store satisfies it as it is
 * (same method names); `createMemoryCognitionSource` is an in-memory one for tests and tools.
 * Vectors are keyed by item id under an embedder identity (`embedderIdentity`).
 */
export interface CognitionSource {
  listCognitionItems(): MaybePromise<CognitionItem[]>;
  getEmbeddings(embedderId: string): MaybePromise<Map<string, Float32Array>>;
  setEmbedding(itemId: string, embedderId: string, vector: Float32Array): MaybePromise<void>;
}

/** An in-memory cognition source, with `add` to put items in. */
export interface MemoryCognitionSource extends CognitionSource {
  /** Add or replace items by id; a replaced item loses its vectors. */
  add(items: CognitionItem[]): void;
  listCognitionItems(): CognitionItem[];
  getEmbeddings(embedderId: string): Map<string, Float32Array>;
  setEmbedding(itemId: string, embedderId: string, vector: Float32Array): void;
}

/** A `CognitionSource` held in memory. */
export function createMemoryCognitionSource(items: CognitionItem[] = []): MemoryCognitionSource {
  const byId = new Map<string, CognitionItem>();
  const vectors = new Map<string, Map<string, Float32Array>>();
  const add = (newItems: CognitionItem[]): void => {
    for (const item of newItems) {
      byId.set(item.id, item);
      for (const perEmbedder of vectors.values()) perEmbedder.delete(item.id);
    }
  };
  add(items);
  return {
    add,
    listCognitionItems: () => [...byId.values()],
    getEmbeddings: (embedderId) => new Map(vectors.get(embedderId) ?? []),
    setEmbedding: (itemId, embedderId, vector) => {
      let perEmbedder = vectors.get(embedderId);
      if (perEmbedder === undefined) {
        perEmbedder = new Map();
        vectors.set(embedderId, perEmbedder);
      }
      perEmbedder.set(itemId, vector);
    },
  };
}
