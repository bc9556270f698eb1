import { describe, expect, it } from 'vitest';
import { parseJsonCognition, parseJsonLinesCognition, parseYamlCognition } from './parse-structured.js';

const options = { file: 'cognition/seed.yaml', defaultSource: 'seed.yaml' };

describe('parseYamlCognition', () => {
  it('reads a list of items', () => {
    const { items, problems } = parseYamlCognition(
      [
        '- id: hex',
        '  title: Hexagonal packing',
        '  content: Hexagonal packing is dense.',
        '  tags: [geometry]',
        '- Use an epsilon in overlap checks.',
      ].join('\n'),
      options,
    );
    expect(problems).toEqual([]);
    expect(items.map((item) => [item.id, item.title, item.source, item.tags])).toEqual([
      ['hex', 'Hexagonal packing', 'seed.yaml', ['geometry']],
      [expect.stringMatching(/^cog-/), 'Use an epsilon in overlap checks', 'seed.yaml', []],
    ]);
  });

  it('reads { items: [...] }, a single item, and a mapping id → item', () => {
    const wrapped = parseYamlCognition('items:\n  - content: first\n  - content: second\n', options);
    expect(wrapped.items.map((item) => item.content)).toEqual(['first', 'second']);
    const single = parseYamlCognition('content: only one\nsource: Paper X\n', options);
    expect(single.items.map((item) => [item.content, item.source])).toEqual([['only one', 'Paper X']]);
    const mapping = parseYamlCognition(
      'edges:\n  content: Big circles in corners.\nplateau: Try multi-start.\n',
      options,
    );
    expect(mapping.items.map((item) => [item.id, item.content])).toEqual([
      ['edges', 'Big circles in corners.'],
      ['plateau', 'Try multi-start.'],
    ]);
  });

  it('skips an item without content, naming its index and line, and keeps the others', () => {
    const { items, problems } = parseYamlCognition(
      ['- content: kept', '- title: no content here', '  tags: [x]', '- content: also kept'].join('\n'),
      options,
    );
    expect(items.map((item) => item.content)).toEqual(['kept', 'also kept']);
    expect(problems).toEqual([
      {
        file: 'cognition/seed.yaml',
        line: 2,
        message: 'item #2 has no content (expected one of: content, text, description, body); skipped',
      },
    ]);
  });

  it('reports a syntax error with its line and imports nothing from that file', () => {
    const { items, problems } = parseYamlCognition(
      ['- content: fine', '- content: a: b', '- content: also fine'].join('\n'),
      options,
    );
    expect(items).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'cognition/seed.yaml', line: 2 });
    expect(problems[0]?.message).toBe(
      'YAML syntax error: Nested mappings are not allowed in compact mappings at line 2, column 12',
    );
  });

  it('gives no items and no problems for an empty file, and a problem for a lone scalar', () => {
    expect(parseYamlCognition('', options)).toEqual({ items: [], problems: [] });
    expect(parseYamlCognition('# only a comment\n', options)).toEqual({ items: [], problems: [] });
    expect(parseYamlCognition('42\n', options).problems[0]?.message).toBe(
      'expected a list of items, { items: [...] } or a mapping id → item; found a number',
    );
  });

  it('reads several documents', () => {
    const { items } = parseYamlCognition('- content: one\n---\n- content: two\n', options);
    expect(items.map((item) => item.content)).toEqual(['one', 'two']);
  });
});

describe('parseJsonCognition', () => {
  const jsonOptions = { file: 'seed.json', defaultSource: 'seed.json' };

  it('reads the same shapes as YAML, with lines for bad items', () => {
    const text = JSON.stringify(
      { items: [{ id: 'a', text: 'from text' }, { name: 'empty' }, 'plain string'] },
      null,
      2,
    );
    const { items, problems } = parseJsonCognition(text, jsonOptions);
    expect(items.map((item) => [item.content, item.source])).toEqual([
      ['from text', 'seed.json'],
      ['plain string', 'seed.json'],
    ]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'seed.json', line: 7 });
    expect(problems[0]?.message).toContain('item #2 has no content');
  });

  it('refuses text that is YAML but not JSON', () => {
    const { items, problems } = parseJsonCognition('- content: yaml list', jsonOptions);
    expect(items).toEqual([]);
    expect(problems[0]?.message).toMatch(/^JSON syntax error: /);
  });

  it('reports a file holding only null, an empty string, a number or a string, saying what shape it expects', () => {
    const cases: Array<[text: string, found: string]> = [
      ['null', 'null'],
      ['\n  null\n', 'null'],
      ['""', 'an empty string'],
      ['8.5', 'a number'],
      ['"Use an epsilon."', 'a string'],
      ['true', 'a boolean'],
    ];
    for (const [text, found] of cases) {
      expect(parseJsonCognition(text, jsonOptions), text).toEqual({
        items: [],
        problems: [
          {
            file: 'seed.json',
            line: text.startsWith('\n') ? 2 : 1,
            message: `expected a list of items, { items: [...] } or a mapping id → item; found ${found}`,
          },
        ],
      });
    }
    // An explicitly empty list or mapping is a file with no items, not a mistake.
    expect(parseJsonCognition('[]', jsonOptions)).toEqual({ items: [], problems: [] });
    expect(parseJsonCognition('{}', jsonOptions)).toEqual({ items: [], problems: [] });
  });

  it('names the line of a syntax error where it can be found', () => {
    const { problems } = parseJsonCognition('[\n  {"content": "a"},\n  {"content": "b"\n]', jsonOptions);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.line).toBe(4);
  });
});

describe('parseJsonLinesCognition', () => {
  it('imports each good line and names each bad one', () => {
    const text = [
      '{"content": "first"}',
      '',
      '{"content": broken}',
      '"a bare string item"',
      '{"title": "no content"}',
      '[1, 2]',
    ].join('\n');
    const { items, problems } = parseJsonLinesCognition(text, { file: 'more.jsonl', defaultSource: 'more.jsonl' });
    expect(items.map((item) => item.content)).toEqual(['first', 'a bare string item']);
    expect(problems.map((problem) => [problem.file, problem.line])).toEqual([
      ['more.jsonl', 3],
      ['more.jsonl', 5],
      ['more.jsonl', 6],
    ]);
    expect(problems[0]?.message).toMatch(/^invalid JSON on line 3: /);
    expect(problems[1]?.message).toBe(
      'line 5 has no content (expected one of: content, text, description, body); skipped',
    );
    expect(problems[2]?.message).toContain('found a list');
  });
});
