import type { Migration } from './migration.js';

/** The first schema: nodes, LLM calls, run events, sampler state, meta, cognition and embeddings. */
export const initialMigration: Migration = {
  id: 1,
  name: 'initial',
  sql: `
CREATE TABLE nodes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  step INTEGER NOT NULL,
  name TEXT NOT NULL,
  motivation TEXT NOT NULL,
  program TEXT NOT NULL,
  results TEXT NOT NULL,
  analysis TEXT NOT NULL,
  score REAL,
  eval_score REAL,
  success INTEGER NOT NULL CHECK (success IN (0, 1)),
  error TEXT,
  parent_ids TEXT NOT NULL,
  cognition_ids TEXT NOT NULL,
  provenance TEXT NOT NULL,
  visit_count INTEGER NOT NULL DEFAULT 0,
  runtime_ms REAL NOT NULL,
  island INTEGER,
  operator TEXT NOT NULL,
  metadata TEXT NOT NULL,
  usage TEXT NOT NULL,
  cost_usd REAL NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX nodes_by_score ON nodes (success, score);
CREATE INDEX nodes_by_step ON nodes (step);

CREATE TABLE llm_calls (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  node_id INTEGER,
  step INTEGER,
  role TEXT NOT NULL,
  provider TEXT NOT NULL,
  model_id TEXT NOT NULL,
  request TEXT NOT NULL,
  response_text TEXT NOT NULL,
  usage TEXT NOT NULL,
  cost_usd REAL NOT NULL,
  duration_ms REAL NOT NULL,
  error TEXT,
  attempt INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX llm_calls_by_node ON llm_calls (node_id);

CREATE TABLE run_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL,
  step INTEGER,
  message TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE sampler_state (
  name TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE cognition_items (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  content TEXT NOT NULL,
  source TEXT NOT NULL,
  tags TEXT NOT NULL,
  metadata TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE embeddings (
  item_id TEXT NOT NULL REFERENCES cognition_items (id) ON DELETE CASCADE,
  embedder_id TEXT NOT NULL,
  dimensions INTEGER NOT NULL,
  vector BLOB NOT NULL,
  PRIMARY KEY (item_id, embedder_id)
);
CREATE INDEX embeddings_by_embedder ON embeddings (embedder_id);
`,
};
