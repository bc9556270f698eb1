import BetterSqlite3 from 'better-sqlite3';
import { AsiEvolveError } from '../errors.js';

/**
 * Turns the SQLite errors a caller can act on into AsiEvolveErrors naming the file: a corrupt or
 * non-SQLite file, a database another process keeps locked, a write on a read-only store.
 * Anything else is returned unchanged (a bug, or a caller's own error thrown inside a transaction).
 */
export function translateSqliteError(error: unknown, file: string): unknown {
  if (!(error instanceof BetterSqlite3.SqliteError)) return error;
  const code = error.code;
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new AsiEvolveError('STORE_CORRUPT', `${file} is not a readable asi-evolve database: ${error.message}`, {
      file,
      cause: error,
      hint: 'the file is damaged or is not an SQLite database; move it away to start a fresh experiment database',
    });
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new AsiEvolveError('STORE_BUSY', `${file} is locked by another process: ${error.message}`, {
      file,
      cause: error,
      hint: 'another asi-evolve process is writing this database; wait for it or stop it',
    });
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return new AsiEvolveError('USAGE', `${file} cannot be written: ${error.message}`, { file, cause: error });
  }
  return error;
}
