import { createHash } from 'node:crypto';

/** One schema change. Ids are consecutive from 1; a released migration's SQL never changes. */
export interface Migration {
  id: number;
  name: string;
  sql: string;
}

/** The hash recorded beside each applied migration, to notice an edited one. */
export function migrationHash(migration: Migration): string {
  return createHash('sha256').update(migration.sql).digest('hex');
}
