import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { walkPaths } from './walk-paths.js';

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'walk-paths-'));
});
afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

function write(name: string): string {
  const path = join(folder, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, 'text');
  return path;
}

/** Every event of a walk, in order. */
function events(paths: string[], onceByRealPath = false): string[] {
  const seen: string[] = [];
  walkPaths(paths, {
    wanted: (path) => path.endsWith('.md'),
    file: (path, named) => seen.push(`${named ? 'named' : 'found'} ${path.slice(folder.length + 1)}`),
    problem: (path, message) => seen.push(`problem ${path.slice(folder.length + 1)}: ${message}`),
    onceByRealPath,
  });
  return seen;
}

describe('walkPaths', () => {
  it('reports wanted files of folders in name order, named files as they are, and missing paths, in the order given', () => {
    write('notes/b.md');
    write('notes/a.md');
    write('notes/skip.txt');
    write('notes/.hidden/c.md');
    write('notes/node_modules/d.md');
    write('notes/deeper/e.md');
    const named = write('plain.txt');
    expect(events([named, join(folder, 'gone'), join(folder, 'notes')])).toEqual([
      'named plain.txt',
      'problem gone: no such file or folder',
      'found notes/a.md',
      'found notes/b.md',
      'found notes/deeper/e.md',
    ]);
  });

  it('walks a real folder once when asked, so that a link loop ends', () => {
    write('notes/a.md');
    symlinkSync(join(folder, 'notes'), join(folder, 'notes', 'again'));
    expect(events([join(folder, 'notes'), join(folder, 'notes')], true)).toEqual(['found notes/a.md']);
    expect(events([join(folder, 'notes')]).slice(0, 3)).toEqual([
      'found notes/a.md',
      'found notes/again/a.md',
      'found notes/again/again/a.md',
    ]);
  });
});
