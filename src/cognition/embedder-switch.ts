import type { Store } from '../store/index.js';

/** Meta key holding the identity of the embedder whose vectors the store keeps. */
export const embedderMetaKey = 'cognition.embedder';

/** What a switch of embedder did. */
export interface EmbedderSwitch {
  /** The identity recorded before, if any. */
  previous: string | undefined;
  changed: boolean;
  /** Vectors of other embedders that were dropped. */
  dropped: number;
}

/**
 * Records the embedder in use. When it differs from the one recorded (another provider, model
 * or dimension), the old vectors are dropped: they cannot be compared with the new ones, and
 * the retriever re-embeds every item under the new identity on its next call.
 * @example
 * const change = useEmbedder(store, retriever.embedderId);
 * if (change.changed && change.previous) notices.push(`cognition embedder changed from ${change.previous}: re-embedding`);
 */
export function useEmbedder(
  store: Pick<Store, 'getMeta' | 'setMeta' | 'deleteEmbeddingsExcept'>,
  embedderId: string,
): EmbedderSwitch {
  const previous = store.getMeta(embedderMetaKey);
  if (previous === embedderId) return { previous, changed: false, dropped: 0 };
  const dropped = store.deleteEmbeddingsExcept(embedderId);
  store.setMeta(embedderMetaKey, embedderId);
  return { previous, changed: previous !== undefined, dropped };
}
