import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/index.js';
import { createLexicalEmbedder } from './embedders/lexical.js';
import { recordFoundItems } from './growth.js';
import { createCognitionRetriever } from './retrieve.js';
import { createStoreCognitionSource } from './store-source.js';

let folder: string;
let store: Store;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'growth-'));
  store = openStore(join(folder, 'asi-evolve.db'));
  store.upsertCognitionItems([
    {
      id: 'corners',
      title: 'Corners',
      content: 'Place the largest circles in the corners of the square.',
      source: 'seed.yaml',
      tags: [],
      metadata: {},
    },
  ]);
});
afterEach(() => {
  store.close();
  rmSync(folder, { recursive: true, force: true });
});

const retriever = () =>
  createCognitionRetriever({
    embedder: createLexicalEmbedder(),
    source: createStoreCognitionSource(store),
    topK: 3,
    threshold: 0.05,
  });

describe('recordFoundItems', () => {
  it('stores new items as found by the run, skipping empty ones, duplicates and those over the cap, with reasons', async () => {
    const run = retriever();
    const result = await recordFoundItems(
      store,
      12,
      [
        { title: 'Empty', content: '   ' },
        { title: 'Corners again', content: 'Place the largest circles in the corners of the square!' },
        {
          title: 'Stagger rows',
          content: 'Staggered hexagonal rows beat a square grid for equal circles.',
          tags: ['layout'],
        },
        { title: 'Stagger rows twice', content: 'Staggered hexagonal rows beat a square grid for equal circles' },
        {
          title: 'Shrink then grow',
          content: 'Shrink every radius slightly before SLSQP, then let it grow them back.',
        },
        { title: 'One too many', content: 'Anneal the penalty weight over iterations instead of fixing it.' },
      ],
      { maxPerRound: 2, duplicateThreshold: 0.8, retriever: run, step: 12 },
    );
    expect(result.stored.map((item) => item.title)).toEqual(['Stagger rows', 'Shrink then grow']);
    expect(result.stored[0]).toMatchObject({
      source: 'run:12',
      tags: ['found-by-run', 'layout'],
      metadata: { foundBy: 'run', nodeId: 12, step: 12 },
    });
    expect(result.skipped).toEqual([
      { title: 'Empty', reason: 'has no content' },
      {
        title: 'Corners again',
        reason: expect.stringMatching(/^duplicates "Corners" \(corners, similarity 0\.8\d\)$/),
      },
      { title: 'Stagger rows twice', reason: expect.stringMatching(/^duplicates "Stagger rows"/) },
      { title: 'One too many', reason: 'over the limit of 2 per round (cognition.growth.max_per_round)' },
    ]);
    expect(store.listCognitionItems().map((item) => item.source)).toEqual(['seed.yaml', 'run:12', 'run:12']);
    const { items } = await run.retrieveForNodes(['hexagonal rows of circles']);
    expect(items[0]?.item.title).toBe('Stagger rows');
  });

  it('stores nothing when there is nothing to store', async () => {
    expect(
      await recordFoundItems(store, 3, [], { maxPerRound: 2, duplicateThreshold: 0.8, retriever: retriever() }),
    ).toEqual({ stored: [], skipped: [] });
    expect(store.countCognitionItems()).toBe(1);
  });
});
