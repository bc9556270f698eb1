import type { Database } from 'better-sqlite3';
import { AsiEvolveError } from '../../errors.js';
import { migrationHash, type Migration } from './migration.js';
import { migrations as knownMigrations } from './migrations.js';

interface AppliedRow {
  id: number;
  name: string;
  hash: string;
}

/** A migration as recorded in the `migrations` table. */
export interface AppliedMigration {
  id: number;
  name: string;
  hash: string;
  appliedAt: string;
}

export interface MigrateOptions {
  file: string;
  readonly: boolean;
  now: () => Date;
  /** For tests: the migrations to apply instead of the shipped ones. */
  migrations?: readonly Migration[];
}

function corrupt(file: string, message: string, hint?: string): AsiEvolveError {
  return new AsiEvolveError('STORE_CORRUPT', `${file}: ${message}`, hint === undefined ? { file } : { file, hint });
}

function hasMigrationsTable(db: Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'").get() !== undefined;
}

function hasOtherTables(db: Database): boolean {
  return (
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").get() !== undefined
  );
}

/** Compares what the file recorded with what this version knows; returns the migrations still to apply. */
function pendingMigrations(db: Database, file: string, known: readonly Migration[]): Migration[] {
  if (!hasMigrationsTable(db)) {
    if (hasOtherTables(db))
      throw corrupt(file, 'is an SQLite database but not an asi-evolve one (no migrations table)');
    return [...known];
  }
  const applied = db.prepare('SELECT id, name, hash FROM migrations ORDER BY id').all() as AppliedRow[];
  const byId = new Map(known.map((migration) => [migration.id, migration]));
  for (const row of applied) {
    const migration = byId.get(row.id);
    if (migration === undefined) {
      throw corrupt(
        file,
        `was written by a newer version of asi-evolve (schema migration ${row.id} "${row.name}" is unknown here)`,
        'upgrade asi-evolve to open this database',
      );
    }
    if (migrationHash(migration) !== row.hash) {
      throw corrupt(
        file,
        `schema migration ${row.id} "${row.name}" does not match this version of asi-evolve (hash differs)`,
      );
    }
  }
  const appliedIds = new Set(applied.map((row) => row.id));
  return known.filter((migration) => !appliedIds.has(migration.id));
}

/**
 * Brings the schema up to date, each pending migration recorded with its id and hash, all in one
 * immediate transaction so that two processes opening the same new file cannot both migrate.
 * A read-only connection only checks. Returns the ids it applied.
 */
export function migrate(db: Database, options: MigrateOptions): number[] {
  const known = options.migrations ?? knownMigrations;
  const pending = pendingMigrations(db, options.file, known);
  if (pending.length === 0) return [];
  if (options.readonly) {
    if (!hasMigrationsTable(db)) throw corrupt(options.file, 'holds no asi-evolve data yet');
    throw corrupt(
      options.file,
      `uses an older schema (${pending.length} migration(s) pending) and was opened read-only`,
      'open it once read-write (for example with `asi-evolve run`) to upgrade it',
    );
  }
  const apply = db.transaction((): number[] => {
    // Checked again under the write lock: another process may have migrated in between.
    const stillPending = pendingMigrations(db, options.file, known);
    db.exec(
      'CREATE TABLE IF NOT EXISTS migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, hash TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    const record = db.prepare('INSERT INTO migrations (id, name, hash, applied_at) VALUES (?, ?, ?, ?)');
    for (const migration of stillPending) {
      db.exec(migration.sql);
      record.run(migration.id, migration.name, migrationHash(migration), options.now().toISOString());
    }
    return stillPending.map((migration) => migration.id);
  });
  return apply.immediate();
}

/** The migrations recorded in the file, in id order. */
export function appliedMigrations(db: Database): AppliedMigration[] {
  if (!hasMigrationsTable(db)) return [];
  return db
    .prepare('SELECT id, name, hash, applied_at AS appliedAt FROM migrations ORDER BY id')
    .all() as AppliedMigration[];
}
