import { describe, expect, it } from 'vitest';
import { normaliseCognitionItem, stableCognitionId, titleFromText, toJsonValue } from './normalise-item.js';

const context = { defaultSource: 'seed.yaml' };

describe('normaliseCognitionItem', () => {
  it('fills every field of a full item as given', () => {
    const outcome = normaliseCognitionItem(
      {
        id: 'edge',
        title: 'Edge effects',
        content: ' Place big circles at corners. ',
        source: 'Notes',
        tags: ['geometry', 'corners'],
        metadata: { importance: 'high' },
      },
      context,
    );
    expect(outcome).toEqual({
      item: {
        id: 'edge',
        title: 'Edge effects',
        content: 'Place big circles at corners.',
        source: 'Notes',
        tags: ['geometry', 'corners'],
        metadata: { importance: 'high' },
      },
    });
  });

  it('accepts the reference shape: content, source and metadata only', () => {
    const outcome = normaliseCognitionItem(
      {
        content: 'Multi-start optimization: 3–5 initial configurations, keep the best. Avoids local optima.',
        source: 'Multi-Start Strategy',
        metadata: { topic: 'multi_start' },
      },
      context,
    );
    if (!('item' in outcome)) throw new Error(outcome.error);
    expect(outcome.item.title).toBe('Multi-start optimization: 3–5 initial configurations, keep the best');
    expect(outcome.item.source).toBe('Multi-Start Strategy');
    expect(outcome.item.metadata).toEqual({ topic: 'multi_start' });
    expect(outcome.item.id).toBe(stableCognitionId(outcome.item.title, outcome.item.content));
  });

  it('takes text or description as content, name as title, and other keys as metadata', () => {
    const fromText = normaliseCognitionItem(
      { name: 'Warmup', text: 'Warm the learning rate up.', importance: 3, keywords: 'lr, schedule' },
      context,
    );
    expect(fromText).toMatchObject({
      item: {
        title: 'Warmup',
        content: 'Warm the learning rate up.',
        tags: ['lr', 'schedule'],
        metadata: { importance: 3 },
      },
    });
    const fromDescription = normaliseCognitionItem({ description: ['line one', 'line two'] }, context);
    expect(fromDescription).toMatchObject({ item: { content: 'line one\nline two', title: 'line one' } });
  });

  it('takes a plain string as the content and defaults source and id', () => {
    const outcome = normaliseCognitionItem('Use an epsilon in overlap checks.', { defaultSource: 'notes.md' });
    expect(outcome).toMatchObject({
      item: { content: 'Use an epsilon in overlap checks.', source: 'notes.md', tags: [], metadata: {} },
    });
  });

  it('uses the mapping key as id when the item has none, and a numeric id as text', () => {
    expect(normaliseCognitionItem({ content: 'x y' }, { ...context, defaultId: 'from-key' })).toMatchObject({
      item: { id: 'from-key' },
    });
    expect(normaliseCognitionItem({ id: 7, content: 'x y' }, { ...context, defaultId: 'from-key' })).toMatchObject({
      item: { id: '7' },
    });
  });

  it('refuses an item without content, with empty content, or that is not an object', () => {
    expect(normaliseCognitionItem({ title: 'Only a title' }, context)).toEqual({
      error: 'has no content (expected one of: content, text, description, body)',
    });
    expect(normaliseCognitionItem({ content: '   ' }, context)).toEqual({
      error: 'has empty or non-text content (an empty string)',
    });
    expect(normaliseCognitionItem({ content: { nested: true } }, context)).toEqual({
      error: 'has empty or non-text content (an object)',
    });
    expect(normaliseCognitionItem(42, context)).toEqual({
      error: 'expected an object with a "content" field or a string, found a number',
    });
  });

  it('gives the same id to the same title and content, and different ids otherwise', () => {
    const first = normaliseCognitionItem({ title: 'A', content: 'same text' }, context);
    const second = normaliseCognitionItem({ title: 'A', content: 'same text', source: 'elsewhere' }, context);
    const third = normaliseCognitionItem({ title: 'B', content: 'same text' }, context);
    const idOf = (outcome: ReturnType<typeof normaliseCognitionItem>) => ('item' in outcome ? outcome.item.id : '');
    expect(idOf(first)).toMatch(/^cog-[0-9a-f]{16}$/);
    expect(idOf(first)).toBe(idOf(second));
    expect(idOf(first)).not.toBe(idOf(third));
  });
});

describe('titleFromText', () => {
  it('keeps a short first sentence whole and shortens a long one', () => {
    expect(titleFromText('Edge effects matter. Place larger circles at corners.')).toBe('Edge effects matter');
    expect(titleFromText('one two three four five six seven eight nine ten')).toBe(
      'one two three four five six seven eight…',
    );
  });

  it('drops Markdown marks but keeps snake_case names', () => {
    expect(titleFromText('- **Use** `scipy.optimize.differential_evolution` [docs](http://x)')).toBe(
      'Use scipy.optimize.differential_evolution docs',
    );
  });
});

describe('toJsonValue', () => {
  it('keeps JSON values and makes the rest JSON-safe', () => {
    expect(toJsonValue({ a: [1, 'x', null, true], b: Number.POSITIVE_INFINITY, c: undefined, d: new Date(0) })).toEqual(
      {
        a: [1, 'x', null, true],
        b: null,
        d: '1970-01-01T00:00:00.000Z',
      },
    );
  });
});
