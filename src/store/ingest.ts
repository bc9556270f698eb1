import type { CognitionItem } from '../domain/index.js';
import { upsertCognitionItems } from './cognition.js';
import { prepare, type StoreContext } from './database.js';
import { parseJsonArray, toJsonText } from './json.js';

/** A paper whose extracted items were stored: `cognition ingest` skips it next time. */
export interface IngestedPaper {
  /** SHA-256 of the file's bytes: the same paper under another name is still recognised. */
  contentHash: string;
  path: string;
  title: string;
  pages: number;
  /** Items stored from it (duplicates of stored items are not among them). */
  itemIds: string[];
  /** Extracted items left out as duplicates. */
  duplicates: number;
  /** The model that extracted the items. */
  modelId: string;
  completedAt: string;
}

interface PaperRow {
  content_hash: string;
  path: string;
  title: string;
  pages: number;
  item_ids: string;
  duplicates: number;
  model_id: string;
  completed_at: string;
}

const columns = 'content_hash, path, title, pages, item_ids, duplicates, model_id, completed_at';

function paperFromRow(row: PaperRow, file: string): IngestedPaper {
  return {
    contentHash: row.content_hash,
    path: row.path,
    title: row.title,
    pages: row.pages,
    itemIds: parseJsonArray(row.item_ids, 'ingested paper item ids', file).filter(
      (id): id is string => typeof id === 'string',
    ),
    duplicates: row.duplicates,
    modelId: row.model_id,
    completedAt: row.completed_at,
  };
}

export function getIngestedPaper(context: StoreContext, contentHash: string): IngestedPaper | undefined {
  const row = prepare(context, `SELECT ${columns} FROM ingested_papers WHERE content_hash = ?`).get(contentHash) as
    PaperRow | undefined;
  return row === undefined ? undefined : paperFromRow(row, context.file);
}

/** Every ingested paper, oldest first. */
export function listIngestedPapers(context: StoreContext): IngestedPaper[] {
  const rows = prepare(
    context,
    `SELECT ${columns} FROM ingested_papers ORDER BY completed_at, rowid`,
  ).all() as PaperRow[];
  return rows.map((row) => paperFromRow(row, context.file));
}

/**
 * Stores a paper's items and marks the paper done; the caller holds the transaction, so a
 * crash leaves either both or neither.
 */
export function completeIngestedPaper(
  context: StoreContext,
  paper: Omit<IngestedPaper, 'completedAt'>,
  items: readonly CognitionItem[],
): IngestedPaper {
  upsertCognitionItems(context, items);
  const completedAt = context.now().toISOString();
  prepare(
    context,
    `INSERT INTO ingested_papers (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (content_hash) DO UPDATE SET path = excluded.path, title = excluded.title, pages = excluded.pages,
       item_ids = excluded.item_ids, duplicates = excluded.duplicates, model_id = excluded.model_id, completed_at = excluded.completed_at`,
  ).run(
    paper.contentHash,
    paper.path,
    paper.title,
    paper.pages,
    toJsonText(paper.itemIds, 'ingested paper item ids'),
    paper.duplicates,
    paper.modelId,
    completedAt,
  );
  return { ...paper, completedAt };
}

/**
 * A number that grows with every change to cognition items or their vectors, by any process
 * (kept by triggers): equal numbers mean nothing changed in between.
 */
export function cognitionRevision(context: StoreContext): number {
  const row = prepare(context, 'SELECT value FROM cognition_revision WHERE id = 1').get() as
    { value: number } | undefined;
  return row?.value ?? 0;
}
