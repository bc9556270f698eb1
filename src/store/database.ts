import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database, Statement } from 'better-sqlite3';
import { AsiEvolveError } from '../errors.js';
import { migrate } from './migrations/migrate.js';
import type { Migration } from './migrations/migration.js';
import { translateSqliteError } from './sqlite-errors.js';

/** What every query module receives: the connection, the file it came from, and the clock. */
export interface StoreContext {
  readonly db: Database;
  readonly file: string;
  readonly now: () => Date;
}

export interface OpenDatabaseOptions {
  readonly: boolean;
  busyTimeoutMs: number;
  now: () => Date;
  migrations?: readonly Migration[];
}

const statements = new WeakMap<Database, Map<string, Statement>>();

/** A prepared statement, cached per connection. */
export function prepare(context: StoreContext, sql: string): Statement {
  let cache = statements.get(context.db);
  if (cache === undefined) {
    cache = new Map();
    statements.set(context.db, cache);
  }
  let statement = cache.get(sql);
  if (statement === undefined) {
    statement = context.db.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
}

/**
 * Opens (and for a writer creates and migrates) the SQLite file. WAL lets readers in other
 * processes (dashboard, `status`) read while the loop writes; the busy timeout makes a writer
 * wait for a checkpoint or another writer instead of failing at once.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions): StoreContext {
  if (options.readonly && !existsSync(file)) {
    throw new AsiEvolveError('EXPERIMENT_MISSING_FILE', `No experiment database at ${file}`, {
      file,
      hint: 'run the experiment first (`asi-evolve run`), or check the path',
    });
  }
  if (!options.readonly) mkdirSync(dirname(file), { recursive: true });
  let db: Database | undefined;
  try {
    db = new BetterSqlite3(file, { readonly: options.readonly, fileMustExist: options.readonly });
    db.pragma(`busy_timeout = ${Math.max(0, Math.round(options.busyTimeoutMs))}`);
    // Reading the schema first makes a garbage file fail here, before anything is written to it.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      // FULL: a round that committed survives even a power cut; rounds are rare, fsync is cheap.
      db.pragma('synchronous = FULL');
    }
    db.pragma('foreign_keys = ON');
    migrate(db, {
      file,
      readonly: options.readonly,
      now: options.now,
      ...(options.migrations === undefined ? {} : { migrations: options.migrations }),
    });
    return { db, file, now: options.now };
  } catch (error) {
    db?.close();
    throw translateSqliteError(error, file);
  }
}
