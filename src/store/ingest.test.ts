import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CognitionItem } from '../domain/index.js';
import type { Store } from './store.js';
import { createTempStore, type TempStore } from './test-support/fixtures.js';

let temp: TempStore;
let store: Store;
beforeEach(() => {
  temp = createTempStore();
  store = temp.open({ now: () => new Date('2026-03-01T10:00:00.000Z') });
});
afterEach(() => temp.cleanup());

const item = (id: string, content = `content ${id}`): CognitionItem => ({
  id,
  title: id,
  content,
  source: 'Paper, p. 2',
  tags: ['heuristic'],
  metadata: { page: 2 },
});
const paper = {
  contentHash: 'a'.repeat(64),
  path: 'papers/a.pdf',
  title: 'Paper A',
  pages: 12,
  itemIds: ['x', 'y'],
  duplicates: 1,
  modelId: 'gpt-test',
};

describe('ingested papers', () => {
  it('stores the items and the done mark together, and finds the paper by hash', () => {
    expect(store.getIngestedPaper(paper.contentHash)).toBeUndefined();
    const record = store.completeIngestedPaper(paper, [item('x'), item('y')]);
    expect(record).toEqual({ ...paper, completedAt: '2026-03-01T10:00:00.000Z' });
    expect(store.getIngestedPaper(paper.contentHash)).toEqual(record);
    expect(store.listIngestedPapers()).toEqual([record]);
    expect(store.listCognitionItems().map((entry) => entry.id)).toEqual(['x', 'y']);
  });

  it('stores neither items nor the mark when storing fails half-way', () => {
    const bad = { ...item('z'), id: '' };
    expect(() => store.completeIngestedPaper({ ...paper, itemIds: ['x', ''] }, [item('x'), bad])).toThrow(
      /non-empty id/,
    );
    expect(store.countCognitionItems()).toBe(0);
    expect(store.getIngestedPaper(paper.contentHash)).toBeUndefined();
  });

  it('keeps the done mark across reopening', () => {
    store.completeIngestedPaper(paper, [item('x')]);
    store.close();
    expect(temp.open().getIngestedPaper(paper.contentHash)?.title).toBe('Paper A');
  });
});

describe('cognitionRevision', () => {
  it('grows by one per change to items or vectors, by this or another connection, and not for unchanged upserts', () => {
    const start = store.cognitionRevision();
    store.upsertCognitionItems([item('a'), item('b')]);
    expect(store.cognitionRevision()).toBe(start + 2);
    store.upsertCognitionItems([item('a')]);
    expect(store.cognitionRevision()).toBe(start + 2);
    store.setEmbedding('a', 'e:1:2', Float32Array.from([1, 0]));
    store.setEmbedding('a', 'e:1:2', Float32Array.from([0, 1]));
    expect(store.cognitionRevision()).toBe(start + 4);
    const other = temp.open();
    other.removeCognitionItem('b');
    expect(store.cognitionRevision()).toBeGreaterThan(start + 4);
    const afterRemove = store.cognitionRevision();
    store.insertNode({ ...nodeLike() });
    expect(store.cognitionRevision()).toBe(afterRemove);
  });
});

function nodeLike() {
  return {
    step: 1,
    name: 'n',
    motivation: 'm',
    program: 'p',
    results: {},
    analysis: '',
    score: 1,
    evalScore: 1,
    success: true,
    error: null,
    parentIds: [],
    cognitionIds: [],
    provenance: 'unknown' as const,
    runtimeMs: 1,
    island: null,
    operator: 'seed',
    metadata: {},
    usage: { inputTokens: undefined, cachedInputTokens: undefined, outputTokens: undefined },
    costUsd: 0,
  };
}
