import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { AsiEvolveError } from '../errors.js';

/** Held while a run writes to an experiment; `release` is safe to call more than once. */
export interface RunLock {
  readonly path: string;
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function holderOf(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Takes the experiment's run lock (a file holding this process's id), so that two runs
 * never evaluate and store the same steps at once. A lock left by a process that no longer
 * exists (kill -9, a crash) is taken over.
 */
export function acquireRunLock(path: string): RunLock {
  // Written aside, then linked into place: the lock appears atomically, already naming its holder.
  const pending = `${path}.${process.pid}`;
  try {
    writeFileSync(pending, `${process.pid}\n`);
  } catch (error) {
    throw new AsiEvolveError('USAGE', `cannot create the run lock ${path}: ${(error as Error).message}`, {
      file: path,
      cause: error,
      hint: 'a run writes its database, steps and lock in the experiment folder: it must be writable',
    });
  }
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        linkSync(pending, path);
        return heldLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = holderOf(path);
      if (holder !== null && holder !== process.pid && isAlive(holder)) {
        throw new AsiEvolveError('STORE_BUSY', `another run (process ${holder}) is already running this experiment`, {
          file: path,
          hint: `wait for it to finish or stop it; if no run is active, delete ${path}`,
        });
      }
      rmSync(path, { force: true });
    }
  } finally {
    rmSync(pending, { force: true });
  }
  throw new AsiEvolveError('STORE_BUSY', `could not take the run lock ${path}`, {
    file: path,
    hint: 'another run may be starting at the same moment; try again',
  });
}

function heldLock(path: string): RunLock {
  let released = false;
  return {
    path,
    release: () => {
      if (released) return;
      released = true;
      if (holderOf(path) === process.pid) rmSync(path, { force: true });
    },
  };
}
