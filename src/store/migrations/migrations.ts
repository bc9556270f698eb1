import { initialMigration } from './001-initial.js';
import { cognitionIngestMigration } from './002-cognition-ingest.js';
import { runningTotalsMigration } from './003-running-totals.js';
import { failureTotalsMigration } from './004-failure-totals.js';
import { programDeltasMigration } from './005-program-deltas.js';
import type { Migration } from './migration.js';

/**
 * Every migration, in the order they apply. Kept as TypeScript string constants so the
 * build needs no file copy. Append only.
 */
export const migrations: readonly Migration[] = [
  initialMigration,
  cognitionIngestMigration,
  runningTotalsMigration,
  failureTotalsMigration,
  programDeltasMigration,
];
