import { AsiEvolveError } from '../errors.js';
import type { Embedder } from './embedders/embedder.js';
import type { CognitionItem } from './item.js';

/** An item whose vector was refused: it is not stored and cannot be retrieved until its text changes. */
export interface RefusedItem {
  itemId: string;
  title: string;
  message: string;
}

/**
 * Checks the vector an embedder returned for an item. A zero or non-finite vector cannot be
 * compared by cosine: it is refused (returned, not thrown), naming the item. A missing vector
 * or one of the wrong length means the embedder itself is broken: that throws.
 */
export function checkItemVector(
  embedder: Pick<Embedder, 'dimensions'>,
  embedderId: string,
  item: Pick<CognitionItem, 'id' | 'title'>,
  vector: Float32Array | undefined,
): { vector: Float32Array } | { refused: RefusedItem } {
  const label = `cognition item "${item.id}" ("${item.title}")`;
  const broken = (what: string) =>
    new AsiEvolveError('LLM_RESPONSE_INVALID', `Embedder ${embedderId} ${what} for ${label}`, { key: item.id });
  if (vector === undefined) throw broken('returned no vector');
  if (embedder.dimensions > 0 && vector.length !== embedder.dimensions) {
    throw broken(`returned ${vector.length} dimensions instead of ${embedder.dimensions}`);
  }
  let squares = 0;
  for (const value of vector) squares += value * value;
  const refuse = (why: string) => ({
    refused: {
      itemId: item.id,
      title: item.title,
      message: `Embedder ${embedderId} ${why} for ${label}; the item is skipped`,
    },
  });
  if (!Number.isFinite(squares)) return refuse('returned a vector with non-finite values');
  if (squares === 0) return refuse('returned a zero vector (no words it can use)');
  return { vector };
}
