import { describe, expect, it } from 'vitest';
import { parseMarkdownCognition } from './parse-markdown.js';

const options = { file: 'notes/packing.md', defaultSource: 'packing.md' };

describe('parseMarkdownCognition', () => {
  it('makes one item per ## heading, keeping deeper headings and code in the body', () => {
    const text = [
      '# Circle packing notes',
      '',
      '## Edge effects',
      'Place larger circles at the corners.',
      '',
      '### Detail',
      'Corner circles can be bigger.',
      '',
      '## Optimisation',
      '```python',
      '# not a heading: a Python comment',
      'minimize(objective, method="SLSQP")',
      '```',
      'Use SLSQP.',
    ].join('\n');
    const { items, problems } = parseMarkdownCognition(text, options);
    expect(problems).toEqual([]);
    expect(items.map((item) => item.title)).toEqual(['Edge effects', 'Optimisation']);
    expect(items[0]?.content).toBe('Place larger circles at the corners.\n\n### Detail\nCorner circles can be bigger.');
    expect(items[1]?.content).toContain('# not a heading: a Python comment');
    expect(items[1]?.source).toBe('packing.md');
  });

  it('makes items of # headings too, and of the text before the first heading', () => {
    const text = ['Some preface about the task.', '# First idea', 'Body one.', '# Second idea #', 'Body two.'].join(
      '\n',
    );
    const { items } = parseMarkdownCognition(text, options);
    expect(items.map((item) => [item.title, item.content])).toEqual([
      ['Some preface about the task', 'Some preface about the task.'],
      ['First idea', 'Body one.'],
      ['Second idea', 'Body two.'],
    ]);
  });

  it('reads Tags, Source and Id lines at the start of a section', () => {
    const text = [
      '## Warmup',
      'Tags: lr, schedule',
      'Source: Goyal et al. 2017',
      'Id: warmup',
      '',
      'Warm the learning rate up over 5 epochs.',
    ].join('\n');
    const { items } = parseMarkdownCognition(text, options);
    expect(items).toEqual([
      {
        id: 'warmup',
        title: 'Warmup',
        content: 'Warm the learning rate up over 5 epochs.',
        source: 'Goyal et al. 2017',
        tags: ['lr', 'schedule'],
        metadata: {},
      },
    ]);
  });

  it('reports a ## heading with no body, with its line, and skips it', () => {
    const { items, problems } = parseMarkdownCognition(['## Empty', '', '## Full', 'Text.'].join('\n'), options);
    expect(items.map((item) => item.title)).toEqual(['Full']);
    expect(problems).toEqual([
      { file: 'notes/packing.md', line: 1, message: 'heading "Empty" has no content; skipped' },
    ]);
  });

  it('without headings, makes one item per top-level list entry with its continuation lines', () => {
    const text = [
      'Heuristics worth trying:',
      '',
      '- Hexagonal packing is dense.',
      '  It loses density at the edges.',
      '  - a nested point stays in the entry',
      '* Use **multi-start** optimisation.',
      '',
      '1. Numbered entries count too.',
      '',
      'A closing paragraph is not an entry.',
    ].join('\n');
    const { items, problems } = parseMarkdownCognition(text, options);
    expect(problems).toEqual([]);
    expect(items.map((item) => item.content)).toEqual([
      'Hexagonal packing is dense.\nIt loses density at the edges.\n- a nested point stays in the entry',
      'Use **multi-start** optimisation.',
      'Numbered entries count too.',
    ]);
    expect(items.map((item) => item.title)).toEqual([
      'Hexagonal packing is dense',
      'Use multi-start optimisation',
      'Numbered entries count too',
    ]);
  });

  it('makes the whole file one item when it has neither headings nor lists', () => {
    const { items } = parseMarkdownCognition('Just one paragraph of advice.\nOn two lines.', options);
    expect(items.map((item) => item.content)).toEqual(['Just one paragraph of advice.\nOn two lines.']);
    expect(parseMarkdownCognition('  \n\n', options)).toEqual({ items: [], problems: [] });
  });

  it('applies source and tags from front matter to every item', () => {
    const text = [
      '---',
      'source: AlphaEvolve paper',
      'tags: [packing]',
      '---',
      '## A',
      'Tags: corners',
      'Text A.',
      '## B',
      'Text B.',
    ].join('\n');
    const { items } = parseMarkdownCognition(text, options);
    expect(items.map((item) => [item.title, item.source, item.tags])).toEqual([
      ['A', 'AlphaEvolve paper', ['packing', 'corners']],
      ['B', 'AlphaEvolve paper', ['packing']],
    ]);
  });

  it('reports front matter that is not YAML and reads the rest', () => {
    const { items, problems } = parseMarkdownCognition(
      ['---', 'source: [unclosed', '---', '## A', 'Text.'].join('\n'),
      options,
    );
    expect(items.map((item) => item.source)).toEqual(['packing.md']);
    expect(problems[0]).toMatchObject({ file: 'notes/packing.md', line: 1 });
    expect(problems[0]?.message).toContain('front matter is not valid YAML');
  });

  it('gives stable ids: the same file imports to the same ids', () => {
    const text = '## Idea\nSame text.';
    expect(parseMarkdownCognition(text, options).items[0]?.id).toBe(parseMarkdownCognition(text, options).items[0]?.id);
  });
});
