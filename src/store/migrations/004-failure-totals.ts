import type { Migration } from './migration.js';

/** A failed node's reason: its error up to the first colon, `unknown` when it has none. */
const reason = (row: string): string =>
  `CASE WHEN ${row}.error IS NULL THEN 'unknown' WHEN instr(${row}.error, ':') > 0 THEN substr(${row}.error, 1, instr(${row}.error, ':') - 1) ELSE ${row}.error END`;

const failedRound = (row: string): string => `${row}.success = 0 AND ${row}.step >= 1`;

const addFailure = (row: 'NEW'): string => `INSERT INTO failure_totals (reason, count, first_id)
    SELECT ${reason(row)}, 1, ${row}.id WHERE ${failedRound(row)}
    ON CONFLICT (reason) DO UPDATE SET count = count + 1, first_id = min(first_id, excluded.first_id);`;

const removeFailure = (
  row: 'OLD',
): string => `UPDATE failure_totals SET count = count - 1 WHERE ${failedRound(row)} AND reason = ${reason(row)};
  DELETE FROM failure_totals WHERE count <= 0;
  UPDATE failure_totals
    SET first_id = (SELECT min(id) FROM nodes WHERE ${failedRound('nodes')} AND ${reason('nodes')} = failure_totals.reason)
    WHERE first_id = ${row}.id;`;

/**
 * Failed rounds counted by reason as running totals, for `status` and the dashboard: counting
 * them from the rows read every failed node (1.4 s cold at 100,000 nodes). Kept by triggers in
 * the writing statement, like the totals of migration 003; `first_id` keeps the reasons in the
 * order they first occurred.
 */
export const failureTotalsMigration: Migration = {
  id: 4,
  name: 'failure-totals',
  sql: `
CREATE TABLE failure_totals (
  reason TEXT PRIMARY KEY,
  count INTEGER NOT NULL,
  first_id INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO failure_totals (reason, count, first_id)
SELECT ${reason('nodes')} AS reason, count(*), min(id) FROM nodes WHERE ${failedRound('nodes')} GROUP BY reason;
CREATE TRIGGER failure_totals_inserted AFTER INSERT ON nodes BEGIN
  ${addFailure('NEW')}
END;
CREATE TRIGGER failure_totals_deleted AFTER DELETE ON nodes BEGIN
  ${removeFailure('OLD')}
END;
CREATE TRIGGER failure_totals_updated AFTER UPDATE OF step, success, error ON nodes BEGIN
  ${removeFailure('OLD')}
  ${addFailure('NEW')}
END;
`,
};
