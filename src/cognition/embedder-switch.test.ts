import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/index.js';
import { useEmbedder } from './embedder-switch.js';
import { createLexicalEmbedder } from './embedders/lexical.js';
import { createCognitionRetriever } from './retrieve.js';
import { createStoreCognitionSource } from './store-source.js';

let folder: string;
let store: Store;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'switch-'));
  store = openStore(join(folder, 'asi-evolve.db'));
  store.upsertCognitionItems([
    { id: 'a', title: 'Corners', content: 'Largest circles in the corners.', source: 's', tags: [], metadata: {} },
    { id: 'b', title: 'Rows', content: 'Staggered rows of circles.', source: 's', tags: [], metadata: {} },
  ]);
});
afterEach(() => {
  store.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('useEmbedder', () => {
  it('re-embeds every item after the embedder changes, dropping the old vectors', async () => {
    const first = createCognitionRetriever({
      embedder: createLexicalEmbedder({ dimensions: 256 }),
      source: createStoreCognitionSource(store),
      topK: 1,
      threshold: 0,
    });
    expect(useEmbedder(store, first.embedderId)).toEqual({ previous: undefined, changed: false, dropped: 0 });
    expect((await first.ensureEmbedded()).embedded).toBe(2);
    expect(useEmbedder(store, first.embedderId)).toEqual({ previous: first.embedderId, changed: false, dropped: 0 });

    const second = createCognitionRetriever({
      embedder: createLexicalEmbedder({ dimensions: 128 }),
      source: createStoreCognitionSource(store),
      topK: 1,
      threshold: 0,
    });
    expect(useEmbedder(store, second.embedderId)).toEqual({
      previous: 'builtin:lexical-hash-v1:256',
      changed: true,
      dropped: 2,
    });
    expect(store.getEmbeddings(first.embedderId).size).toBe(0);
    expect((await second.ensureEmbedded()).embedded).toBe(2);
    expect(store.getEmbeddings(second.embedderId).size).toBe(2);
    expect((await second.search('staggered rows', 1))[0]?.item.id).toBe('b');
  });
});

describe('a retriever over the store', () => {
  it('sees items another connection adds, and keeps its own writes without reloading', async () => {
    const retriever = createCognitionRetriever({
      embedder: createLexicalEmbedder(),
      source: createStoreCognitionSource(store),
      topK: 1,
      threshold: 0.05,
    });
    expect((await retriever.retrieveForNodes(['corners'])).items.map((entry) => entry.item.id)).toEqual(['a']);
    const other = openStore(join(folder, 'asi-evolve.db'));
    other.upsertCognitionItems([
      { id: 'c', title: 'Hexagons', content: 'Hexagonal lattices pack densely.', source: 's', tags: [], metadata: {} },
    ]);
    other.close();
    expect((await retriever.retrieveForNodes(['hexagonal lattices'])).items.map((entry) => entry.item.id)).toEqual([
      'c',
    ]);
    expect(retriever.stats()).toEqual({ items: 3, vectors: 3, search: 'exact' });
  });
});
