import type { CognitionItem } from '../domain/index.js';
import { AsiEvolveError } from '../errors.js';
import { prepare, type StoreContext } from './database.js';
import { parseJsonArray, parseJsonObject, toJsonText } from './json.js';

interface ItemRow {
  id: string;
  title: string;
  content: string;
  source: string;
  tags: string;
  metadata: string;
}

const columns = 'id, title, content, source, tags, metadata';

function itemFromRow(row: ItemRow, file: string): CognitionItem {
  return {
    id: row.id,
    title: row.title,
    content: row.content,
    source: row.source,
    tags: parseJsonArray(row.tags, 'cognition tags', file).filter((tag) => typeof tag === 'string'),
    metadata: parseJsonObject(row.metadata, 'cognition metadata', file),
  };
}

/**
 * Inserts new items and updates changed ones (by id); returns how many were inserted or changed.
 * A changed item loses its embeddings, which were computed from the old text.
 */
export function upsertCognitionItems(context: StoreContext, items: readonly CognitionItem[]): number {
  const exists = prepare(context, 'SELECT 1 FROM cognition_items WHERE id = ?');
  const upsert = prepare(
    context,
    `INSERT INTO cognition_items (${columns}, created_at, updated_at)
     VALUES (@id, @title, @content, @source, @tags, @metadata, @now, @now)
     ON CONFLICT (id) DO UPDATE SET title = excluded.title, content = excluded.content, source = excluded.source,
       tags = excluded.tags, metadata = excluded.metadata, updated_at = excluded.updated_at
     WHERE title IS NOT excluded.title OR content IS NOT excluded.content OR source IS NOT excluded.source
       OR tags IS NOT excluded.tags OR metadata IS NOT excluded.metadata`,
  );
  const dropEmbeddings = prepare(context, 'DELETE FROM embeddings WHERE item_id = ?');
  const now = context.now().toISOString();
  let written = 0;
  for (const item of items) {
    if (typeof item.id !== 'string' || item.id.length === 0) {
      throw new AsiEvolveError(
        'COGNITION_INPUT_INVALID',
        `A cognition item needs a non-empty id (title: "${item.title}")`,
      );
    }
    const existed = exists.get(item.id) !== undefined;
    const changes = upsert.run({
      id: item.id,
      title: item.title,
      content: item.content,
      source: item.source,
      tags: toJsonText(item.tags, 'cognition item tags'),
      metadata: toJsonText(item.metadata, 'cognition item metadata'),
      now,
    }).changes;
    if (changes > 0 && existed) dropEmbeddings.run(item.id);
    written += changes;
  }
  return written;
}

/** Every item, in the order they were first stored. */
export function listCognitionItems(context: StoreContext): CognitionItem[] {
  const rows = prepare(context, `SELECT ${columns} FROM cognition_items ORDER BY rowid`).all() as ItemRow[];
  return rows.map((row) => itemFromRow(row, context.file));
}

export function getCognitionItem(context: StoreContext, id: string): CognitionItem | undefined {
  const row = prepare(context, `SELECT ${columns} FROM cognition_items WHERE id = ?`).get(id) as ItemRow | undefined;
  return row === undefined ? undefined : itemFromRow(row, context.file);
}

/** Removes an item and its embeddings; false when there was no such item. */
export function removeCognitionItem(context: StoreContext, id: string): boolean {
  return prepare(context, 'DELETE FROM cognition_items WHERE id = ?').run(id).changes > 0;
}

export function countCognitionItems(context: StoreContext): number {
  return (prepare(context, 'SELECT count(*) AS count FROM cognition_items').get() as { count: number }).count;
}
