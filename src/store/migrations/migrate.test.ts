import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { thrownAsiError } from '../../test-support/asi-error.js';
import { createTempStore, makeNode, type TempStore } from '../test-support/fixtures.js';
import { migrationHash, type Migration } from './migration.js';
import { migrations } from './migrations.js';

let temp: TempStore;

beforeEach(() => {
  temp = createTempStore();
});
afterEach(() => temp.cleanup());

function rawExec(path: string, sql: string): void {
  const db = new BetterSqlite3(path);
  db.exec(sql);
  db.close();
}

const extraMigration: Migration = {
  id: migrations.length + 1,
  name: 'notes',
  sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);',
};

describe('migrations', () => {
  it('ships consecutive ids from 1', () => {
    expect(migrations.map((migration) => migration.id)).toEqual(migrations.map((_, index) => index + 1));
  });

  it('records each migration with its hash and does not rerun it on reopen', () => {
    const first = temp.open({ now: () => new Date('2026-01-01T00:00:00.000Z') });
    const applied = first.appliedMigrations();
    expect(applied).toEqual(
      migrations.map((migration) => ({
        id: migration.id,
        name: migration.name,
        hash: migrationHash(migration),
        appliedAt: '2026-01-01T00:00:00.000Z',
      })),
    );
    first.insertNode(makeNode());
    first.close();
    const second = temp.open({ now: () => new Date('2027-01-01T00:00:00.000Z') });
    expect(second.appliedMigrations()).toEqual(applied);
    expect(second.countNodes()).toBe(1);
  });

  it('applies a new migration to an existing file, once', () => {
    temp.open().close();
    const upgraded = temp.open({ migrations: [...migrations, extraMigration] });
    expect(upgraded.appliedMigrations().map((migration) => migration.id)).toEqual(
      [...migrations, extraMigration].map((migration) => migration.id),
    );
    upgraded.close();
    const again = temp.open({ migrations: [...migrations, extraMigration] });
    expect(again.appliedMigrations()).toHaveLength(migrations.length + 1);
  });

  it('refuses to upgrade through a read-only connection', () => {
    temp.open().close();
    const error = thrownAsiError(() => temp.open({ readonly: true, migrations: [...migrations, extraMigration] }));
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.hint).toMatch(/read-write/);
  });

  it('refuses a file written by a newer version', () => {
    temp.open({ migrations: [...migrations, extraMigration] }).close();
    const error = thrownAsiError(() => temp.open());
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.message).toContain('newer version');
    expect(error.file).toBe(temp.path);
  });

  it('refuses a file whose recorded migration hash differs', () => {
    temp.open().close();
    rawExec(temp.path, "UPDATE migrations SET hash = 'edited' WHERE id = 1");
    const error = thrownAsiError(() => temp.open());
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.message).toMatch(/migration 1 "initial".*hash/);
  });

  it('refuses an SQLite file of another application', () => {
    mkdirSync(dirname(temp.path), { recursive: true });
    rawExec(temp.path, 'CREATE TABLE customers (id INTEGER PRIMARY KEY)');
    const error = thrownAsiError(() => temp.open());
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.message).toContain('not an asi-evolve one');
  });

  it('refuses a garbage file, naming it, for writers and readers alike', () => {
    mkdirSync(dirname(temp.path), { recursive: true });
    writeFileSync(temp.path, 'this is not a database, only text that goes on. '.repeat(200));
    for (const readonly of [false, true]) {
      const error = thrownAsiError(() => temp.open({ readonly }));
      expect(error.code).toBe('STORE_CORRUPT');
      expect(error.file).toBe(temp.path);
      expect(error.message).toContain(temp.path);
    }
  });

  it('refuses an empty file opened read-only', () => {
    mkdirSync(dirname(temp.path), { recursive: true });
    writeFileSync(temp.path, '');
    expect(thrownAsiError(() => temp.open({ readonly: true })).code).toBe('STORE_CORRUPT');
  });
});
