import type { Migration } from './migration.js';

/**
 * Multi-file programs stored as changes (store/program-delta.ts). A node whose `program_base` is
 * set keeps in `program` only its per-file delta against that node's program; `program_depth`
 * counts the deltas between it and a whole program, so that a read walks a bounded chain. Existing
 * rows keep their whole programs (base null, depth 0). The index lets an eviction find the nodes
 * stored against the one it removes.
 */
export const programDeltasMigration: Migration = {
  id: 5,
  name: 'program-deltas',
  sql: `
ALTER TABLE nodes ADD COLUMN program_base INTEGER;
ALTER TABLE nodes ADD COLUMN program_depth INTEGER NOT NULL DEFAULT 0;
CREATE INDEX nodes_by_program_base ON nodes (program_base) WHERE program_base IS NOT NULL;
`,
};
