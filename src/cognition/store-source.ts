import type { Store } from '../store/index.js';
import type { CognitionSource } from './source.js';

/** What the cognition part needs of the store. */
export type CognitionStore = Pick<Store, 'listCognitionItems' | 'getEmbeddings' | 'setEmbedding' | 'cognitionRevision'>;

/**
 * The experiment store as a cognition source, with its revision counter, so that a retriever
 * reloads vectors only after items or vectors changed (in this process or another one).
 * @example
 * const retriever = createCognitionRetriever({ embedder, source: createStoreCognitionSource(store), topK: 3, threshold: 0.3 });
 */
export function createStoreCognitionSource(store: CognitionStore): CognitionSource {
  return {
    listCognitionItems: () => store.listCognitionItems(),
    getEmbeddings: (embedderId) => store.getEmbeddings(embedderId),
    setEmbedding: (itemId, embedderId, vector) => store.setEmbedding(itemId, embedderId, vector),
    revision: () => store.cognitionRevision(),
  };
}
