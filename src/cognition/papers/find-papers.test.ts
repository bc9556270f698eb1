import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findPaperFiles } from './find-papers.js';

describe('findPaperFiles', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  it('lists each paper once when a link loops back up the tree or repeats a folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'asi-papers-'));
    folders.push(root);
    mkdirSync(join(root, 'papers'));
    writeFileSync(join(root, 'papers', 'a.pdf'), '%PDF-1.4');
    writeFileSync(join(root, 'papers', 'b.md'), '# B');
    symlinkSync(join(root, 'papers'), join(root, 'papers', 'loop'));
    symlinkSync(join(root, 'papers'), join(root, 'again'));
    const found = findPaperFiles([join(root, 'papers'), join(root, 'again')]);
    expect(found.files).toEqual([join(root, 'papers', 'a.pdf'), join(root, 'papers', 'b.md')]);
    expect(found.problems).toEqual([]);
  });
});
