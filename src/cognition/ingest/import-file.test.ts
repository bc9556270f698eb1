import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cognitionFormatOf, importCognitionFile } from './import-file.js';

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'cognition-import-'));
});
afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

describe('importCognitionFile', () => {
  it('reads each format by its extension, with the file name as default source', () => {
    const files = {
      'a.yaml': '- content: from yaml\n',
      'b.yml': 'items:\n  - content: from yml\n',
      'c.json': '[{"content": "from json"}]',
      'd.jsonl': '{"content": "from jsonl"}\n',
      'e.md': '## From markdown\nBody.\n',
    };
    for (const [name, text] of Object.entries(files)) {
      const { items, problems } = importCognitionFile(write(name, text));
      expect(problems).toEqual([]);
      expect(items).toHaveLength(1);
      expect(items[0]?.source).toBe(name);
    }
  });

  it('ignores a byte-order mark', () => {
    const { items, problems } = importCognitionFile(write('bom.json', '\uFEFF[{"content": "x"}]'));
    expect(problems).toEqual([]);
    expect(items.map((item) => item.content)).toEqual(['x']);
  });

  it('reports an unsupported extension and a missing file as problems', () => {
    const pdf = write('paper.pdf', '%PDF');
    expect(importCognitionFile(pdf)).toEqual({
      items: [],
      problems: [
        {
          file: pdf,
          message: 'unsupported file type ".pdf"; expected one of .yaml, .yml, .json, .jsonl, .ndjson, .md, .markdown',
        },
      ],
    });
    const missing = join(folder, 'missing.yaml');
    expect(importCognitionFile(missing)).toEqual({
      items: [],
      problems: [{ file: missing, message: 'cannot read the file: it does not exist' }],
    });
  });

  it('keeps the first of two items with the same id and reports the second', () => {
    const path = write('dup.yaml', '- id: same\n  content: first\n- id: same\n  content: second\n');
    const { items, problems } = importCognitionFile(path);
    expect(items.map((item) => item.content)).toEqual(['first']);
    expect(problems).toEqual([
      { file: path, message: `duplicate item id "same" ("second"), first imported from ${path}; skipped` },
    ]);
  });

  it('names the file in problems about its items', () => {
    const path = write('bad.jsonl', '{"content": "ok"}\nnot json\n');
    const { items, problems } = importCognitionFile(path);
    expect(items).toHaveLength(1);
    expect(problems).toMatchObject([{ file: path, line: 2 }]);
  });
});

describe('cognitionFormatOf', () => {
  it('maps extensions case-insensitively', () => {
    expect(cognitionFormatOf('NOTES.MD')).toBe('markdown');
    expect(cognitionFormatOf('a.ndjson')).toBe('jsonl');
    expect(cognitionFormatOf('a.txt')).toBeUndefined();
  });
});
