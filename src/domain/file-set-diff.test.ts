import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileSetChanges, gitPatch, programFileChanges } from './file-set-diff.js';
import { formatFileSet } from './file-set.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'asi-evolve-file-set-diff-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('changes between file sets', () => {
  it('lists only the files that differ, in path order, with their kind', () => {
    const before = new Map([
      ['b.py', 'same\n'],
      ['a.py', 'old\n'],
      ['gone.py', 'x\n'],
    ]);
    const after = new Map([
      ['a.py', 'new\n'],
      ['b.py', 'same\n'],
      ['c/new.py', 'y\n'],
    ]);
    expect(fileSetChanges(before, after).map((change) => [change.path, change.kind])).toEqual([
      ['a.py', 'modified'],
      ['c/new.py', 'added'],
      ['gone.py', 'deleted'],
    ]);
    expect(programFileChanges('print(1)\n', formatFileSet(after))).toBeNull();
  });

  it('writes a patch that git apply takes: odd names, created, deleted and emptied files', () => {
    const before = new Map([
      ['src/with space.py', 'a = 1\nb = 2\n'],
      ['src/"quoted".py', 'q = 1\n'],
      ['src/ünï.py', 'u = 1\n'],
      ['old.txt', 'bye\n'],
      ['empty-later.txt', 'content\n'],
    ]);
    const after = new Map([
      ['src/with space.py', 'a = 1\nb = 3\n'],
      ['src/"quoted".py', 'q = 2\n'],
      ['src/ünï.py', 'u = 2\n'],
      ['empty-later.txt', ''],
      ['pkg/new.py', 'n = 1\n'],
      ['pkg/empty.py', ''],
    ]);
    const work = join(dir, 'work');
    const patch = join(dir, 'change.patch');
    for (const [path, content] of before) {
      mkdirSync(dirname(join(work, path)), { recursive: true });
      writeFileSync(join(work, path), content);
    }
    writeFileSync(patch, gitPatch(fileSetChanges(before, after)));
    execFileSync('git', ['apply', patch], {
      cwd: work,
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
    });
    for (const [path, content] of after) expect(readFileSync(join(work, path), 'utf8')).toBe(content);
    expect(existsSync(join(work, 'old.txt'))).toBe(false);
  });
});
