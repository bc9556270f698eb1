import { describe, expect, it } from 'vitest';
import type { CognitionItem } from './item.js';
import { createMemoryCognitionSource } from './source.js';

const item = (id: string, content: string): CognitionItem => ({
  id,
  title: id,
  content,
  source: 'test',
  tags: [],
  metadata: {},
});

describe('createMemoryCognitionSource', () => {
  it('lists items and keeps vectors per embedder', () => {
    const source = createMemoryCognitionSource([item('a', 'one')]);
    source.setEmbedding('a', 'builtin:lexical-hash-v1:4', Float32Array.from([1, 0, 0, 0]));
    expect(source.listCognitionItems()).toEqual([item('a', 'one')]);
    expect([...source.getEmbeddings('builtin:lexical-hash-v1:4').keys()]).toEqual(['a']);
    expect(source.getEmbeddings('other:model:4').size).toBe(0);
  });

  it('drops the vectors of an item that is replaced', () => {
    const source = createMemoryCognitionSource([item('a', 'one')]);
    source.setEmbedding('a', 'e', Float32Array.from([1]));
    source.add([item('a', 'changed'), item('b', 'two')]);
    expect(source.listCognitionItems().map((entry) => entry.content)).toEqual(['changed', 'two']);
    expect(source.getEmbeddings('e').size).toBe(0);
  });

  it('hands out a copy of the vector map', () => {
    const source = createMemoryCognitionSource([item('a', 'one')]);
    source.getEmbeddings('e').set('a', Float32Array.from([1]));
    expect(source.getEmbeddings('e').size).toBe(0);
  });
});
