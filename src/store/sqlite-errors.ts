import BetterSqlite3 from 'better-sqlite3';
import { AsiEvolveError, DISK_FULL_HINT } from '../errors.js';

/**
 * Turns the SQLite errors a caller can act on into AsiEvolveErrors naming the file: a corrupt or
 * non-SQLite file, a database another process keeps locked, a full disk, a write on a read-only store.
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
  if (code === 'SQLITE_FULL' || code === 'SQLITE_IOERR_WRITE' || code === 'SQLITE_IOERR_FSYNC') {
    // SQLite rolls the transaction back: what was stored before stays whole.
    return new AsiEvolveError(
      'DISK_FULL',
      `${file} could not be written, the disk is full or failing: ${error.message}`,
      {
        file,
        cause: error,
        hint: DISK_FULL_HINT,
      },
    );
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return new AsiEvolveError('USAGE', `${file} cannot be written: ${error.message}`, {
      file,
      cause: error,
      hint: 'make the experiment folder and its database writable; status, best, show and export only read it',
    });
  }
  if (code.startsWith('SQLITE_CANTOPEN')) {
    return new AsiEvolveError('USAGE', `${file} cannot be opened: ${error.message}`, {
      file,
      cause: error,
      hint: 'check that the experiment folder exists and is writable by whoever runs it',
    });
  }
  return error;
}
