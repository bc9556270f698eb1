import type { Migration } from './migration.js';

const bestNodeId = `(SELECT id FROM nodes WHERE success = 1 AND score IS NOT NULL ORDER BY score DESC, id ASC LIMIT 1)`;

/** The three scopes of a call's spend, as (scope, key) rows. */
const spendRows = (call: 'NEW' | 'OLD', sign: '' | '-'): string =>
  (
    [
      ["'all'", "''"],
      ["'role'", `${call}.role`],
      ["'model'", `${call}.model_id`],
    ] as const
  )
    .map(
      ([scope, key]) =>
        `(${scope}, ${key}, ${sign}${call}.cost_usd, ${sign}coalesce(json_extract(${call}.usage, '$.inputTokens'), 0), ` +
        `${sign}coalesce(json_extract(${call}.usage, '$.outputTokens'), 0), ${sign}1)`,
    )
    .join(',\n    ');

const addSpend = (
  call: 'NEW' | 'OLD',
  sign: '' | '-',
): string => `INSERT INTO spend_totals (scope, key, usd, input_tokens, output_tokens, calls) VALUES
    ${spendRows(call, sign)}
  ON CONFLICT (scope, key) DO UPDATE SET usd = usd + excluded.usd, input_tokens = input_tokens + excluded.input_tokens,
    output_tokens = output_tokens + excluded.output_tokens, calls = calls + excluded.calls;`;

const addNode = (row: 'NEW' | 'OLD', sign: '+' | '-'): string => `UPDATE node_totals SET
    nodes = nodes ${sign} 1,
    rounds = rounds ${sign} (${row}.step > 0),
    rounds_succeeded = rounds_succeeded ${sign} (${row}.step > 0 AND ${row}.success = 1),
    rounds_runtime_ms = rounds_runtime_ms ${sign} CASE WHEN ${row}.step > 0 THEN ${row}.runtime_ms ELSE 0 END;`;

/**
 * Reads that do not grow with the database.
 *
 * - `nodes` is rebuilt with its small columns first and the long texts (results, motivation,
 *   analysis, program) last: SQLite stores the tail of a long row in overflow pages, so reading
 *   the summary columns of every node no longer walks through every program. `program_length`
 *   and `metrics` (the numeric results) are stored, so a sampling policy is restored without
 *   reading programs or parsing results.
 * - `node_totals` and `spend_totals` keep counts, runtime, the best node and the spend by role
 *   and by model as running totals. Triggers update them in the statement (so the transaction)
 *   that writes the rows, so they survive a crash and always agree with the rows, whichever
 *   process wrote them; the existing rows are summed once here.
 * - `run_events_by_type` lets a resume find evicted rounds without scanning every event.
 */
export const runningTotalsMigration: Migration = {
  id: 3,
  name: 'running-totals',
  sql: `
ALTER TABLE nodes RENAME TO nodes_before_running_totals;
CREATE TABLE nodes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  step INTEGER NOT NULL,
  score REAL,
  eval_score REAL,
  success INTEGER NOT NULL CHECK (success IN (0, 1)),
  visit_count INTEGER NOT NULL DEFAULT 0,
  runtime_ms REAL NOT NULL,
  island INTEGER,
  cost_usd REAL NOT NULL,
  program_length INTEGER NOT NULL,
  name TEXT NOT NULL,
  operator TEXT NOT NULL,
  provenance TEXT NOT NULL,
  created_at TEXT NOT NULL,
  parent_ids TEXT NOT NULL,
  cognition_ids TEXT NOT NULL,
  usage TEXT NOT NULL,
  metrics TEXT NOT NULL,
  error TEXT,
  metadata TEXT NOT NULL,
  results TEXT NOT NULL,
  motivation TEXT NOT NULL,
  analysis TEXT NOT NULL,
  program TEXT NOT NULL
);
INSERT INTO nodes (id, step, score, eval_score, success, visit_count, runtime_ms, island, cost_usd, program_length, name,
  operator, provenance, created_at, parent_ids, cognition_ids, usage, metrics, error, metadata, results, motivation, analysis, program)
SELECT id, step, score, eval_score, success, visit_count, runtime_ms, island, cost_usd, length(program), name,
  operator, provenance, created_at, parent_ids, cognition_ids, usage,
  coalesce((SELECT json_group_object(key, value) FROM json_each(old.results) WHERE type IN ('integer', 'real')), '{}'),
  error, metadata, results, motivation, analysis, program
FROM nodes_before_running_totals AS old ORDER BY id;
-- Ids are never reused: the new table takes over the old one's AUTOINCREMENT high-water mark.
DELETE FROM sqlite_sequence WHERE name = 'nodes';
UPDATE sqlite_sequence SET name = 'nodes' WHERE name = 'nodes_before_running_totals';
DROP TABLE nodes_before_running_totals;
CREATE INDEX nodes_by_score ON nodes (success, score);
CREATE INDEX nodes_by_step ON nodes (step);
CREATE INDEX run_events_by_type ON run_events (type, step);

CREATE TABLE node_totals (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  nodes INTEGER NOT NULL,
  rounds INTEGER NOT NULL,
  rounds_succeeded INTEGER NOT NULL,
  rounds_runtime_ms REAL NOT NULL,
  best_id INTEGER
);
INSERT INTO node_totals (id, nodes, rounds, rounds_succeeded, rounds_runtime_ms, best_id)
SELECT 1, count(*), coalesce(sum(step > 0), 0), coalesce(sum(step > 0 AND success = 1), 0),
  coalesce(sum(CASE WHEN step > 0 THEN runtime_ms ELSE 0 END), 0), ${bestNodeId}
FROM nodes;
CREATE TRIGGER node_totals_inserted AFTER INSERT ON nodes BEGIN
  ${addNode('NEW', '+')}
  UPDATE node_totals SET best_id = ${bestNodeId} WHERE NEW.success = 1 AND NEW.score IS NOT NULL;
END;
CREATE TRIGGER node_totals_deleted AFTER DELETE ON nodes BEGIN
  ${addNode('OLD', '-')}
  UPDATE node_totals SET best_id = ${bestNodeId} WHERE best_id = OLD.id;
END;
CREATE TRIGGER node_totals_updated AFTER UPDATE OF step, success, score, runtime_ms ON nodes BEGIN
  ${addNode('OLD', '-')}
  ${addNode('NEW', '+')}
  UPDATE node_totals SET best_id = ${bestNodeId};
END;

CREATE TABLE spend_totals (
  scope TEXT NOT NULL CHECK (scope IN ('all', 'role', 'model')),
  key TEXT NOT NULL,
  usd REAL NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  calls INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
) WITHOUT ROWID;
INSERT INTO spend_totals (scope, key, usd, input_tokens, output_tokens, calls)
SELECT 'all', '', coalesce(sum(cost_usd), 0), coalesce(sum(json_extract(usage, '$.inputTokens')), 0),
  coalesce(sum(json_extract(usage, '$.outputTokens')), 0), count(*)
FROM llm_calls;
INSERT INTO spend_totals (scope, key, usd, input_tokens, output_tokens, calls)
SELECT 'role', role, sum(cost_usd), coalesce(sum(json_extract(usage, '$.inputTokens')), 0),
  coalesce(sum(json_extract(usage, '$.outputTokens')), 0), count(*)
FROM llm_calls GROUP BY role;
INSERT INTO spend_totals (scope, key, usd, input_tokens, output_tokens, calls)
SELECT 'model', model_id, sum(cost_usd), coalesce(sum(json_extract(usage, '$.inputTokens')), 0),
  coalesce(sum(json_extract(usage, '$.outputTokens')), 0), count(*)
FROM llm_calls GROUP BY model_id;
CREATE TRIGGER spend_totals_inserted AFTER INSERT ON llm_calls BEGIN
  ${addSpend('NEW', '')}
END;
CREATE TRIGGER spend_totals_deleted AFTER DELETE ON llm_calls BEGIN
  ${addSpend('OLD', '-')}
END;
CREATE TRIGGER spend_totals_updated AFTER UPDATE OF role, model_id, cost_usd, usage ON llm_calls BEGIN
  ${addSpend('OLD', '-')}
  ${addSpend('NEW', '')}
END;
`,
};
