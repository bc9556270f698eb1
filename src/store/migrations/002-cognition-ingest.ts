import type { Migration } from './migration.js';

/**
 * Papers ingested into the cognition base (by content hash, so an interrupted ingest resumes
 * without redoing finished papers), and a revision counter that every change to cognition
 * items or their vectors bumps, so that a retriever can keep its vectors and index in memory
 * and reload only after a change, whichever process made it.
 */
export const cognitionIngestMigration: Migration = {
  id: 2,
  name: 'cognition-ingest',
  sql: `
CREATE TABLE ingested_papers (
  content_hash TEXT PRIMARY KEY,
  path TEXT NOT NULL,
  title TEXT NOT NULL,
  pages INTEGER NOT NULL,
  item_ids TEXT NOT NULL,
  duplicates INTEGER NOT NULL,
  model_id TEXT NOT NULL,
  completed_at TEXT NOT NULL
);
CREATE TABLE cognition_revision (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  value INTEGER NOT NULL
);
INSERT INTO cognition_revision (id, value) VALUES (1, 0);
CREATE TRIGGER cognition_items_inserted AFTER INSERT ON cognition_items BEGIN UPDATE cognition_revision SET value = value + 1; END;
CREATE TRIGGER cognition_items_updated AFTER UPDATE ON cognition_items BEGIN UPDATE cognition_revision SET value = value + 1; END;
CREATE TRIGGER cognition_items_deleted AFTER DELETE ON cognition_items BEGIN UPDATE cognition_revision SET value = value + 1; END;
CREATE TRIGGER embeddings_inserted AFTER INSERT ON embeddings BEGIN UPDATE cognition_revision SET value = value + 1; END;
CREATE TRIGGER embeddings_updated AFTER UPDATE ON embeddings BEGIN UPDATE cognition_revision SET value = value + 1; END;
CREATE TRIGGER embeddings_deleted AFTER DELETE ON embeddings BEGIN UPDATE cognition_revision SET value = value + 1; END;
`,
};
