import type { Embedder } from './embedder.js';

/** The key vectors are stored under: `${provider}:${modelId}:${dimensions}`. */
export function embedderIdentity(embedder: Pick<Embedder, 'provider' | 'modelId' | 'dimensions'>): string {
  return `${embedder.provider}:${embedder.modelId}:${embedder.dimensions}`;
}
