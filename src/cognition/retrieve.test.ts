import { afterEach, describe, expect, it } from 'vitest';
import type { Embedder } from './embedders/embedder.js';
import { createLexicalEmbedder } from './embedders/lexical.js';
import { createOpenAIEmbedder } from './embedders/openai-compatible.js';
import { startEmbeddingsServer } from './embedders/test-support/embeddings-server.js';
import type { CognitionItem } from './item.js';
import { cognitionItemText, createCognitionRetriever } from './retrieve.js';
import type { CognitionSource } from './source.js';
import { createMemoryCognitionSource } from './source.js';

const item = (id: string, title: string, content: string, tags: string[] = []): CognitionItem => ({
  id,
  title,
  content,
  source: 'test',
  tags,
  metadata: {},
});

const items = [
  item('corners', 'Corners', 'Place larger circles at the corners and along the edges of the square.'),
  item(
    'slsqp',
    'SLSQP',
    'Refine positions and radii with SLSQP constrained optimisation; add an epsilon to overlap constraints.',
  ),
  item(
    'multistart',
    'Multi-start',
    'When the optimiser stalls on a plateau, restart SLSQP from several initial layouts and keep the best.',
  ),
  item('warmup', 'Warmup', 'Warm the learning rate up linearly during the first epochs of training.'),
];

/** The lexical embedder, recording every value it is asked to embed. */
function recordingEmbedder(): Embedder & { seen: string[][] } {
  const inner = createLexicalEmbedder({ dimensions: 256 });
  const seen: string[][] = [];
  return {
    provider: inner.provider,
    modelId: inner.modelId,
    dimensions: inner.dimensions,
    maxValuesPerCall: 2,
    seen,
    embed: async (options) => {
      seen.push(options.values);
      return inner.embed(options);
    },
  };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('createCognitionRetriever', () => {
  it('embeds only items without a vector, under the embedder identity, in batches', async () => {
    const embedder = recordingEmbedder();
    const source = createMemoryCognitionSource(items);
    const retriever = createCognitionRetriever({ embedder, source, topK: 2, threshold: 0.05 });
    expect(retriever.embedderId).toBe('builtin:lexical-hash-v1:256');
    expect((await retriever.ensureEmbedded()).embedded).toBe(4);
    expect(embedder.seen.map((values) => values.length)).toEqual([2, 2]);
    expect([...source.getEmbeddings('builtin:lexical-hash-v1:256').keys()].sort()).toEqual([
      'corners',
      'multistart',
      'slsqp',
      'warmup',
    ]);
    expect((await retriever.ensureEmbedded()).embedded).toBe(0);
    source.add([item('new', 'New', 'A new heuristic about circle corners.')]);
    expect((await retriever.ensureEmbedded()).embedded).toBe(1);
    expect(embedder.seen).toHaveLength(3);
  });

  it('finds the items relevant to each node, merged by id with the best score, best first', async () => {
    const retriever = createCognitionRetriever({
      embedder: createLexicalEmbedder(),
      source: createMemoryCognitionSource(items),
      topK: 2,
      threshold: 0.05,
    });
    const corners = await retriever.search('larger circles at the corners', 1);
    const plateau = await retriever.search('the SLSQP optimiser stalls on a plateau', 2);
    const { items: found } = await retriever.retrieveForNodes([
      'larger circles at the corners',
      '',
      '   ',
      'the SLSQP optimiser stalls on a plateau',
      'larger circles at the corners',
    ]);
    const ids = found.map((entry) => entry.item.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('corners');
    expect(ids).toContain('multistart');
    expect(ids).not.toContain('warmup');
    const scores = found.map((entry) => entry.score);
    expect(scores).toEqual([...scores].sort((left, right) => right - left));
    expect(found.find((entry) => entry.item.id === 'corners')?.score).toBeCloseTo(corners[0]!.score, 6);
    expect(found.find((entry) => entry.item.id === 'multistart')?.score).toBeCloseTo(
      plateau.find((entry) => entry.item.id === 'multistart')!.score,
      6,
    );
    expect(found[0]?.item).toEqual(items.find((entry) => entry.id === found[0]?.item.id));
  });

  it('keeps an item seen by two queries once, with the higher score', async () => {
    const retriever = createCognitionRetriever({
      embedder: createLexicalEmbedder(),
      source: createMemoryCognitionSource(items),
      topK: 1,
      threshold: 0,
    });
    const strong = (await retriever.search('restart SLSQP from several initial layouts', 1))[0]!;
    const weak = (await retriever.search('several layouts', 1))[0]!;
    expect([strong.item.id, weak.item.id]).toEqual(['multistart', 'multistart']);
    expect(strong.score).toBeGreaterThan(weak.score);
    const { items: found } = await retriever.retrieveForNodes([
      'several layouts',
      'restart SLSQP from several initial layouts',
    ]);
    expect(found).toHaveLength(1);
    expect(found[0]?.score).toBeCloseTo(strong.score, 6);
  });

  it('applies topK per query and the threshold to every score', async () => {
    const source = createMemoryCognitionSource(items);
    const wide = createCognitionRetriever({ embedder: createLexicalEmbedder(), source, topK: 1, threshold: 0 });
    expect((await wide.retrieveForNodes(['SLSQP circles corners plateau'])).items).toHaveLength(1);
    const strict = createCognitionRetriever({ embedder: createLexicalEmbedder(), source, topK: 3, threshold: 0.99 });
    expect((await strict.retrieveForNodes(['SLSQP circles corners plateau'])).items).toEqual([]);
    const none = createCognitionRetriever({ embedder: createLexicalEmbedder(), source, topK: 0, threshold: 0 });
    expect((await none.retrieveForNodes(['SLSQP'])).items).toEqual([]);
  });

  it('returns nothing, and embeds nothing, for queries with no words', async () => {
    const embedder = recordingEmbedder();
    const retriever = createCognitionRetriever({
      embedder,
      source: createMemoryCognitionSource(items),
      topK: 3,
      threshold: -1,
    });
    expect((await retriever.retrieveForNodes(['', '  '])).items).toEqual([]);
    expect(embedder.seen).toEqual([]);
    expect((await retriever.retrieveForNodes(['the of and'])).items).toEqual([]);
  });

  it('ignores vectors of items no longer in the source', async () => {
    const source = createMemoryCognitionSource(items);
    const embedder = createLexicalEmbedder();
    const retriever = createCognitionRetriever({ embedder, source, topK: 1, threshold: 0 });
    await retriever.ensureEmbedded();
    const ghost = (await embedder.embed({ values: ['larger circles at the corners'] })).embeddings[0]!;
    source.setEmbedding('deleted-item', retriever.embedderId, ghost);
    const { items: found } = await retriever.retrieveForNodes(['larger circles at the corners']);
    expect(found.map((entry) => entry.item.id)).toEqual(['corners']);
  });

  it('search gives the k closest items without a threshold unless one is given', async () => {
    const retriever = createCognitionRetriever({
      embedder: createLexicalEmbedder(),
      source: createMemoryCognitionSource(items),
      topK: 1,
      threshold: 0.9,
    });
    const all = await retriever.search('learning rate warmup', 4);
    expect(all).toHaveLength(4);
    expect(all[0]?.item.id).toBe('warmup');
    expect(await retriever.search('learning rate warmup', 4, { threshold: 0.2 })).toHaveLength(1);
    expect(await retriever.search('learning rate warmup')).toHaveLength(1);
  });

  it('does not embed an item twice when rounds retrieve at the same time', async () => {
    const embedder = recordingEmbedder();
    const retriever = createCognitionRetriever({
      embedder,
      source: createMemoryCognitionSource(items),
      topK: 2,
      threshold: 0,
    });
    await Promise.all([
      retriever.retrieveForNodes(['corners']),
      retriever.retrieveForNodes(['plateau']),
      retriever.ensureEmbedded(),
    ]);
    const embeddedItems = embedder.seen
      .flat()
      .filter((value) => items.some((entry) => cognitionItemText(entry) === value));
    expect(embeddedItems).toHaveLength(items.length);
  });

  it('works over a source whose methods are asynchronous', async () => {
    const memory = createMemoryCognitionSource(items);
    const source: CognitionSource = {
      listCognitionItems: async () => memory.listCognitionItems(),
      getEmbeddings: async (embedderId) => memory.getEmbeddings(embedderId),
      setEmbedding: async (itemId, embedderId, vector) => memory.setEmbedding(itemId, embedderId, vector),
    };
    const retriever = createCognitionRetriever({ embedder: createLexicalEmbedder(), source, topK: 1, threshold: 0.05 });
    expect((await retriever.retrieveForNodes(['learning rate warmup'])).items.map((entry) => entry.item.id)).toEqual([
      'warmup',
    ]);
  });

  it('retrieves through a remote embedder and counts its tokens', async () => {
    const server = await startEmbeddingsServer();
    closers.push(server.close);
    const embedder = createOpenAIEmbedder({ baseURL: server.baseURL, modelId: 'fake-embed', dimensions: 128 });
    const retriever = createCognitionRetriever({
      embedder,
      source: createMemoryCognitionSource(items),
      topK: 1,
      threshold: 0.05,
    });
    const { items: found, usage } = await retriever.retrieveForNodes(['learning rate warmup during training']);
    expect(found.map((entry) => entry.item.id)).toEqual(['warmup']);
    expect(usage.tokens).toBeGreaterThan(0);
    expect(retriever.embedderId).toBe('openai-compatible:fake-embed:128');
  });

  it('refuses zero vectors from any embedder, naming the item, skips it and does not embed it again until it changes', async () => {
    const stopwordsOnly = item('empty-words', 'Of the', 'and the of it is');
    const server = await startEmbeddingsServer();
    closers.push(server.close);
    const remote = createOpenAIEmbedder({ baseURL: server.baseURL, modelId: 'fake-embed', dimensions: 64 });
    const remoteSource = createMemoryCognitionSource([stopwordsOnly, items[0]!]);
    const remoteRetriever = createCognitionRetriever({ embedder: remote, source: remoteSource, topK: 1, threshold: 0 });
    const first = await remoteRetriever.ensureEmbedded();
    expect(first.embedded).toBe(1);
    expect(first.refused).toEqual([
      {
        itemId: 'empty-words',
        title: 'Of the',
        message:
          'Embedder openai-compatible:fake-embed:64 returned a zero vector (no words it can use) for cognition item "empty-words" ("Of the"); the item is skipped',
      },
    ]);
    expect([...remoteSource.getEmbeddings(remoteRetriever.embedderId).keys()]).toEqual(['corners']);
    const requestsBefore = server.requests.length;
    expect((await remoteRetriever.ensureEmbedded()).refused).toEqual([]);
    expect(server.requests.length).toBe(requestsBefore);
    remoteSource.add([{ ...stopwordsOnly, content: 'Stopwords were replaced by real words about corners' }]);
    expect(await remoteRetriever.ensureEmbedded()).toMatchObject({ embedded: 1, refused: [] });

    const source = createMemoryCognitionSource([stopwordsOnly]);
    const lexical = createCognitionRetriever({ embedder: createLexicalEmbedder(), source, topK: 1, threshold: -1 });
    expect((await lexical.ensureEmbedded()).refused.map((entry) => entry.itemId)).toEqual(['empty-words']);
    expect(source.getEmbeddings(lexical.embedderId).size).toBe(0);
    expect((await lexical.retrieveForNodes(['anything at all'])).items).toEqual([]);
  });

  it('keeps vectors in memory while the source revision is unchanged, and reloads after an outside change', async () => {
    const memory = createMemoryCognitionSource(items);
    let lists = 0;
    const source: CognitionSource = {
      listCognitionItems: () => {
        lists++;
        return memory.listCognitionItems();
      },
      getEmbeddings: (embedderId) => memory.getEmbeddings(embedderId),
      setEmbedding: (itemId, embedderId, vector) => memory.setEmbedding(itemId, embedderId, vector),
      revision: () => memory.revision(),
    };
    const retriever = createCognitionRetriever({ embedder: createLexicalEmbedder(), source, topK: 1, threshold: 0.05 });
    await retriever.retrieveForNodes(['corners']);
    await retriever.retrieveForNodes(['plateau']);
    await retriever.search('warmup');
    expect(lists).toBe(1);
    memory.add([item('late', 'Late', 'Hexagonal lattices pack circles densely.')]);
    expect((await retriever.retrieveForNodes(['hexagonal lattices'])).items.map((entry) => entry.item.id)).toEqual([
      'late',
    ]);
    expect(lists).toBe(2);
    memory.remove('late');
    expect((await retriever.retrieveForNodes(['hexagonal lattices'])).items).toEqual([]);
    expect(retriever.stats()).toEqual({ items: 4, vectors: 4, search: 'exact' });
  });

  it('switches to the approximate index above the configured size and finds the same items', async () => {
    const many = Array.from({ length: 60 }, (_, index) =>
      item(
        `filler-${index}`,
        `Filler ${index}`,
        `Unrelated note number ${index} about topic ${index % 7} and shelf ${index % 11}.`,
      ),
    );
    const source = createMemoryCognitionSource([...items, ...many]);
    const approximate = createCognitionRetriever({
      embedder: createLexicalEmbedder(),
      source,
      topK: 2,
      threshold: 0.05,
      approximateAbove: 10,
    });
    const exact = createCognitionRetriever({ embedder: createLexicalEmbedder(), source, topK: 2, threshold: 0.05 });
    const query = ['the SLSQP optimiser stalls on a plateau', 'larger circles at the corners'];
    const found = (await approximate.retrieveForNodes(query)).items;
    expect(approximate.stats().search).toBe('approximate');
    expect(exact.stats().search).toBe('exact');
    const expected = (await exact.retrieveForNodes(query)).items;
    expect(found.map((entry) => entry.item.id)).toEqual(expected.map((entry) => entry.item.id));
    expect(found.map((entry) => entry.score)).toEqual(expected.map((entry) => entry.score));
    source.remove('corners');
    expect(
      (await approximate.search('larger circles at the corners', 1, { threshold: 0.3 })).map((entry) => entry.item.id),
    ).toEqual([]);
  });

  it('searches by a vector of its embedder', async () => {
    const embedder = createLexicalEmbedder();
    const retriever = createCognitionRetriever({
      embedder,
      source: createMemoryCognitionSource(items),
      topK: 1,
      threshold: 0,
    });
    const vector = (await embedder.embed({ values: ['learning rate warmup'] })).embeddings[0]!;
    expect((await retriever.searchByVector(vector, 1)).map((entry) => entry.item.id)).toEqual(['warmup']);
    expect(await retriever.searchByVector(vector, 1, { threshold: 0.99 })).toEqual([]);
  });

  it('refuses a vector of the wrong length', async () => {
    const wrong: Embedder = {
      provider: 'custom',
      modelId: 'broken',
      dimensions: 4,
      maxValuesPerCall: 10,
      embed: async ({ values }) => ({
        embeddings: values.map(() => Float32Array.from([1, 0])),
        usage: { tokens: undefined },
      }),
    };
    const retriever = createCognitionRetriever({
      embedder: wrong,
      source: createMemoryCognitionSource(items.slice(0, 1)),
      topK: 1,
      threshold: 0,
    });
    await expect(retriever.ensureEmbedded()).rejects.toThrow(
      'returned 2 dimensions instead of 4 for cognition item "corners"',
    );
  });
});

describe('cognitionItemText', () => {
  it('puts the title before the content unless the content starts with it, then the tags', () => {
    expect(cognitionItemText(item('a', 'Warmup', 'Warm the rate up.', ['lr']))).toBe(
      'Warmup\n\nWarm the rate up.\n\nlr',
    );
    expect(cognitionItemText(item('b', 'Edge effects…', 'Edge effects matter a lot here.'))).toBe(
      'Edge effects matter a lot here.',
    );
  });
});
