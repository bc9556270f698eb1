import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CognitionItem } from '../domain/index.js';
import { AsiEvolveError } from '../errors.js';
import type { Store } from './store.js';
import { createTempStore, type TempStore } from './test-support/fixtures.js';

let temp: TempStore;
let store: Store;

function item(id: string, overrides: Partial<CognitionItem> = {}): CognitionItem {
  return {
    id,
    title: `title ${id}`,
    content: `content ${id}`,
    source: 'paper:2603.29640',
    tags: ['packing', 'geometry'],
    metadata: { page: 3 },
    ...overrides,
  };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return AsiEvolveError.isInstance(error) ? error.code : 'not-asi-evolve';
  }
  return undefined;
}

beforeEach(() => {
  temp = createTempStore();
  store = temp.open();
});
afterEach(() => temp.cleanup());

describe('cognition items', () => {
  it('inserts, counts only real changes on upsert, and lists in first-stored order', () => {
    expect(store.upsertCognitionItems([item('b'), item('a')])).toBe(2);
    expect(store.upsertCognitionItems([item('b'), item('a')])).toBe(0);
    expect(store.upsertCognitionItems([item('a', { content: 'changed' }), item('c')])).toBe(2);
    expect(store.countCognitionItems()).toBe(3);
    expect(store.listCognitionItems().map((stored) => stored.id)).toEqual(['b', 'a', 'c']);
    expect(store.getCognitionItem('a')).toEqual(item('a', { content: 'changed' }));
    expect(store.getCognitionItem('zz')).toBeUndefined();
  });

  it('refuses an item without an id and writes none of the batch', () => {
    expect(codeOf(() => store.upsertCognitionItems([item('ok'), item('')]))).toBe('COGNITION_INPUT_INVALID');
    expect(store.countCognitionItems()).toBe(0);
  });

  it('removes an item with its embeddings', () => {
    store.upsertCognitionItems([item('a'), item('b')]);
    store.setEmbedding('a', 'lexical:v1:3', new Float32Array([1, 0, 0]));
    expect(store.removeCognitionItem('a')).toBe(true);
    expect(store.removeCognitionItem('a')).toBe(false);
    expect(store.countCognitionItems()).toBe(1);
    expect(store.getEmbeddings('lexical:v1:3').size).toBe(0);
  });
});

describe('embeddings', () => {
  beforeEach(() => {
    store.upsertCognitionItems([item('a'), item('b'), item('c')]);
  });

  it('round-trips float32 vectors by embedder', () => {
    const vector = new Float32Array([0.1, -2.5, 3.25e-8, 1e30]);
    store.setEmbedding('a', 'openai:small:4', vector);
    // A view at an odd offset into a larger buffer.
    const backing = new Float32Array([9, 9, 0.5, 0.25, 0.125, 0.0625]);
    store.setEmbeddings('openai:small:4', [['b', backing.subarray(2)]]);
    store.setEmbedding('a', 'lexical:v1:2', new Float32Array([1, 1]));
    const vectors = store.getEmbeddings('openai:small:4');
    expect([...vectors.keys()]).toEqual(['a', 'b']);
    expect(vectors.get('a')).toEqual(vector);
    expect(vectors.get('b')).toEqual(new Float32Array([0.5, 0.25, 0.125, 0.0625]));
    store.setEmbedding('a', 'openai:small:4', new Float32Array([4, 3, 2, 1]));
    expect(store.getEmbeddings('openai:small:4').get('a')).toEqual(new Float32Array([4, 3, 2, 1]));
  });

  it('refuses zero, empty and NaN vectors, unknown items and a dimension change', () => {
    expect(codeOf(() => store.setEmbedding('a', 'e', new Float32Array(3)))).toBe('COGNITION_INPUT_INVALID');
    expect(codeOf(() => store.setEmbedding('a', 'e', new Float32Array(0)))).toBe('COGNITION_INPUT_INVALID');
    expect(codeOf(() => store.setEmbedding('a', 'e', new Float32Array([1, Number.NaN])))).toBe(
      'COGNITION_INPUT_INVALID',
    );
    expect(codeOf(() => store.setEmbedding('a', 'e', new Float32Array([1, Infinity])))).toBe('COGNITION_INPUT_INVALID');
    expect(codeOf(() => store.setEmbedding('nope', 'e', new Float32Array([1])))).toBe('COGNITION_INPUT_INVALID');
    store.setEmbedding('a', 'e', new Float32Array([1, 2]));
    expect(codeOf(() => store.setEmbedding('b', 'e', new Float32Array([1, 2, 3])))).toBe('COGNITION_INPUT_INVALID');
    expect(
      codeOf(() =>
        store.setEmbeddings('e', [
          ['b', new Float32Array([1, 2])],
          ['c', new Float32Array(2)],
        ]),
      ),
    ).toBe('COGNITION_INPUT_INVALID');
    expect([...store.getEmbeddings('e').keys()]).toEqual(['a']);
  });

  it('drops the embeddings of an item whose text changed', () => {
    store.setEmbedding('a', 'e', new Float32Array([1]));
    store.setEmbedding('b', 'e', new Float32Array([1]));
    store.upsertCognitionItems([item('a', { title: 'new title' }), item('b')]);
    expect([...store.getEmbeddings('e').keys()]).toEqual(['b']);
  });

  it('deletes the embeddings of every other embedder', () => {
    store.setEmbedding('a', 'old', new Float32Array([1]));
    store.setEmbedding('b', 'old', new Float32Array([1]));
    store.setEmbedding('a', 'new', new Float32Array([1, 2]));
    expect(store.deleteEmbeddingsExcept('new')).toBe(2);
    expect(store.getEmbeddings('old').size).toBe(0);
    expect(store.getEmbeddings('new').size).toBe(1);
  });
});
