import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importCognitionPaths } from './import-paths.js';

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'cognition-paths-'));
});
afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const path = join(folder, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

describe('importCognitionPaths', () => {
  it('walks folders recursively in name order, reading only supported files', () => {
    write('seed/b.yaml', '- content: b yaml\n');
    write('seed/a.md', '## A\nfrom markdown\n');
    write('seed/deep/c.jsonl', '{"content": "deep jsonl"}\n');
    write('seed/readme.txt', 'not cognition');
    write('seed/.hidden/x.yaml', '- content: hidden\n');
    write('seed/node_modules/y.yaml', '- content: dependency\n');
    const { items, problems } = importCognitionPaths([join(folder, 'seed')]);
    expect(problems).toEqual([]);
    expect(items.map((item) => item.content)).toEqual(['from markdown', 'b yaml', 'deep jsonl']);
  });

  it('mixes files and folders, and reports missing paths and unsupported files named directly', () => {
    const file = write('one.json', '{"content": "single"}');
    write('dir/two.yaml', '- two\n');
    const text = write('notes.txt', 'plain');
    const missing = join(folder, 'nope');
    const { items, problems } = importCognitionPaths([file, join(folder, 'dir'), text, missing]);
    expect(items.map((item) => item.content)).toEqual(['single', 'two']);
    expect(problems.map((problem) => problem.file)).toEqual([text, missing]);
    expect(problems[1]?.message).toBe('no such file or folder');
  });

  it('keeps ids unique across files', () => {
    const first = write('first.yaml', '- id: shared\n  content: from first\n');
    const second = write('second.yaml', '- id: shared\n  content: from second\n- id: other\n  content: other\n');
    const { items, problems } = importCognitionPaths([first, second]);
    expect(items.map((item) => item.content)).toEqual(['from first', 'other']);
    expect(problems).toEqual([
      { file: second, message: `duplicate item id "shared" ("from second"), first imported from ${first}; skipped` },
    ]);
  });

  it('keeps going past bad files and does not loop on a symlinked folder', () => {
    write('mixed/good.yaml', '- content: good\n');
    write('mixed/bad.yaml', '- content: [broken\n');
    symlinkSync(join(folder, 'mixed'), join(folder, 'mixed', 'loop'));
    const { items, problems } = importCognitionPaths([join(folder, 'mixed')]);
    expect(items.map((item) => item.content)).toEqual(['good']);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.file).toBe(join(folder, 'mixed', 'bad.yaml'));
  });
});
