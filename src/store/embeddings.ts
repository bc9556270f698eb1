import { AsiEvolveError } from '../errors.js';
import { prepare, type StoreContext } from './database.js';

function invalid(message: string): AsiEvolveError {
  return new AsiEvolveError('COGNITION_INPUT_INVALID', message);
}

/** A zero, empty or non-finite vector cannot be compared by cosine similarity: refuse it. */
function checkVector(itemId: string, vector: Float32Array): void {
  if (vector.length === 0) throw invalid(`The embedding of cognition item "${itemId}" is empty`);
  let nonZero = false;
  for (const value of vector) {
    if (!Number.isFinite(value)) throw invalid(`The embedding of cognition item "${itemId}" holds ${value}`);
    if (value !== 0) nonZero = true;
  }
  if (!nonZero) throw invalid(`The embedding of cognition item "${itemId}" is all zeros`);
}

/** Little-endian float32 bytes, as Float32Array holds them on every platform Node supports. */
function toBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

function fromBlob(blob: Buffer): Float32Array {
  // Copied: a Buffer's offset inside its pool need not be 4-byte aligned.
  const bytes = new Uint8Array(blob.byteLength);
  bytes.set(blob);
  return new Float32Array(bytes.buffer);
}

/** Stores (or replaces) one item's vector for one embedder. */
export function setEmbedding(context: StoreContext, itemId: string, embedderId: string, vector: Float32Array): void {
  checkVector(itemId, vector);
  if (prepare(context, 'SELECT 1 FROM cognition_items WHERE id = ?').get(itemId) === undefined) {
    throw invalid(`Cannot store an embedding for cognition item "${itemId}": no such item`);
  }
  const other = prepare(
    context,
    'SELECT dimensions FROM embeddings WHERE embedder_id = ? AND item_id <> ? LIMIT 1',
  ).get(embedderId, itemId) as { dimensions: number } | undefined;
  if (other !== undefined && other.dimensions !== vector.length) {
    throw invalid(
      `The embedding of cognition item "${itemId}" has ${vector.length} dimensions; embedder "${embedderId}" stored ${other.dimensions}`,
    );
  }
  prepare(
    context,
    `INSERT INTO embeddings (item_id, embedder_id, dimensions, vector) VALUES (?, ?, ?, ?)
     ON CONFLICT (item_id, embedder_id) DO UPDATE SET dimensions = excluded.dimensions, vector = excluded.vector`,
  ).run(itemId, embedderId, vector.length, toBlob(vector));
}

/** Every stored vector of one embedder, by item id. */
export function getEmbeddings(context: StoreContext, embedderId: string): Map<string, Float32Array> {
  const rows = prepare(context, 'SELECT item_id, vector FROM embeddings WHERE embedder_id = ? ORDER BY item_id').all(
    embedderId,
  ) as Array<{ item_id: string; vector: Buffer }>;
  return new Map(rows.map((row) => [row.item_id, fromBlob(row.vector)]));
}

/** Drops the vectors of every other embedder (after the embedder changed); returns how many. */
export function deleteEmbeddingsExcept(context: StoreContext, embedderId: string): number {
  return prepare(context, 'DELETE FROM embeddings WHERE embedder_id <> ?').run(embedderId).changes;
}
