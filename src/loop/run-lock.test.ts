import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AsiEvolveError } from '../errors.js';
import { acquireRunLock } from './run-lock.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function lockPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'asi-run-lock-'));
  dirs.push(dir);
  return join(dir, 'asi-evolve.db.lock');
}

/** The id of a process that has ended. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('acquireRunLock', () => {
  it('writes the holder and removes the file on release (twice is harmless)', () => {
    const path = lockPath();
    const lock = acquireRunLock(path);
    expect(readFileSync(path, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
    lock.release();
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dirname(path))).toEqual([]);
  });

  it('refuses while a live process holds it, naming the process and the file', () => {
    const path = lockPath();
    writeFileSync(path, `${process.ppid}\n`);
    let caught: unknown;
    try {
      acquireRunLock(path);
    } catch (error) {
      caught = error;
    }
    expect(AsiEvolveError.isInstance(caught)).toBe(true);
    expect((caught as AsiEvolveError).code).toBe('STORE_BUSY');
    expect((caught as AsiEvolveError).message).toContain(`process ${process.ppid}`);
    expect((caught as AsiEvolveError).file).toBe(path);
    expect(readFileSync(path, 'utf8').trim()).toBe(String(process.ppid));
  });

  it('takes over a lock left by a process that no longer exists, or an unreadable one', () => {
    for (const content of [`${deadPid()}\n`, '', 'garbage']) {
      const path = lockPath();
      writeFileSync(path, content);
      const lock = acquireRunLock(path);
      expect(readFileSync(path, 'utf8').trim()).toBe(String(process.pid));
      lock.release();
    }
  });

  it('does not remove a lock another process took after this one released it', () => {
    const path = lockPath();
    const lock = acquireRunLock(path);
    writeFileSync(path, `${process.ppid}\n`);
    lock.release();
    expect(readFileSync(path, 'utf8').trim()).toBe(String(process.ppid));
  });

  it('reports a folder it cannot write in as a usage error naming the lock file', () => {
    const file = lockPath();
    writeFileSync(file, 'not a folder');
    const path = join(file, 'asi-evolve.db.lock');
    let caught: unknown;
    try {
      acquireRunLock(path);
    } catch (error) {
      caught = error;
    }
    expect(AsiEvolveError.isInstance(caught) && caught.code).toBe('USAGE');
    expect((caught as AsiEvolveError).message).toContain(`cannot create the run lock ${path}`);
  });
});
