import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
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
      // NORMAL (in WAL mode): a committed round survives the run being killed (kill -9, a crash of
      // the process) because the WAL is written before the commit returns; only an OS crash or a
      // power cut can lose the last commits (never corrupt the file). FULL's fsync per commit
      // cost a round about as much CPU as its SQL on a loaded disk.
      db.pragma('synchronous = NORMAL');
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
    if (options.readonly && cannotOpenInPlace(error)) return openSnapshot(file, options);
    throw translateSqliteError(error, file);
  }
}

/**
 * True when a reader cannot open the file where it is: a WAL database needs its `-shm` file
 * beside it, which cannot be created in a folder the reader may not write (a read-only mount,
 * another user's experiment).
 */
function cannotOpenInPlace(error: unknown): boolean {
  const code = error instanceof BetterSqlite3.SqliteError ? error.code : '';
  return code === 'SQLITE_READONLY_DIRECTORY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY_CANTINIT';
}

/**
 * Opens a read-only snapshot of a database that cannot be opened in place: the file and its WAL
 * are copied to a private temporary folder, the WAL is folded in there, and the result is held
 * in memory (the temporary folder is removed at once). Nobody can be writing the original: its
 * folder is not writable.
 */
function openSnapshot(file: string, options: OpenDatabaseOptions): StoreContext {
  const folder = mkdtempSync(join(tmpdir(), 'asi-evolve-snapshot-'));
  let image: Buffer;
  try {
    const copy = join(folder, basename(file));
    copyFileSync(file, copy);
    if (existsSync(`${file}-wal`) && statSync(`${file}-wal`).size > 0) copyFileSync(`${file}-wal`, `${copy}-wal`);
    const staging = new BetterSqlite3(copy, { fileMustExist: true });
    try {
      staging.pragma('journal_mode = DELETE');
      image = staging.serialize();
    } finally {
      staging.close();
    }
  } catch (error) {
    throw translateSqliteError(error, file);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  const db = new BetterSqlite3(image, { readonly: true });
  try {
    db.pragma('foreign_keys = ON');
    migrate(db, {
      file,
      readonly: true,
      now: options.now,
      ...(options.migrations === undefined ? {} : { migrations: options.migrations }),
    });
    return { db, file, now: options.now };
  } catch (error) {
    db.close();
    throw translateSqliteError(error, file);
  }
}
