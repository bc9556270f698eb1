import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AsiEvolveError } from '../../errors.js';
import { openStore, type Store } from '../../store/index.js';
import { createLexicalEmbedder } from '../embedders/lexical.js';
import { createOpenAIEmbedder } from '../embedders/openai-compatible.js';
import type { Embedder } from '../embedders/embedder.js';
import { createCognitionRetriever } from '../retrieve.js';
import { createStoreCognitionSource } from '../store-source.js';
import { ingestPapers, type IngestEvent } from './ingest-papers.js';
import { corruptPdf, encryptedPdf, scannedPdf, textPdf } from './test-support/pdfs.js';
import type { ExtractedItem, PaperExtractor } from './types.js';

let folder: string;
let papers: string;
let store: Store;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'ingest-'));
  papers = join(folder, 'papers');
  mkdirSync(papers);
  store = openStore(join(folder, 'asi-evolve.db'));
});
afterEach(() => {
  store.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Extracts one item per non-empty line starting with "Lesson:", on its page; records what it was asked. */
function lineExtractor(options: { failOn?: string; error?: unknown } = {}): PaperExtractor & { seen: string[] } {
  const seen: string[] = [];
  return {
    modelId: 'fake-extractor',
    seen,
    extract: async ({ paperTitle, chunk }) => {
      seen.push(paperTitle);
      if (options.failOn !== undefined && paperTitle === options.failOn) throw options.error;
      const items: ExtractedItem[] = [];
      const problems: string[] = [];
      for (const page of chunk.pages) {
        for (const line of page.text.split('\n')) {
          const lesson = /^Lesson:\s*(.*)$/.exec(line.trim())?.[1];
          if (lesson === undefined) continue;
          if (lesson.trim() === '')
            problems.push(`${paperTitle}: an item on page ${page.number} has no content; skipped`);
          else
            items.push({
              kind: 'heuristic',
              title: lesson.split(' ').slice(0, 4).join(' '),
              content: lesson,
              page: page.number,
            });
        }
      }
      return { items, problems };
    },
  };
}

/** A loopback port nothing listens on: one a server held and released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function retrieverOver(embedder: Embedder = createLexicalEmbedder()) {
  return createCognitionRetriever({ embedder, source: createStoreCognitionSource(store), topK: 3, threshold: 0 });
}

const base = { duplicateThreshold: 0.8, chunkChars: 4000, maxItemsPerPaper: 5 };

async function writePapers(): Promise<void> {
  writeFileSync(
    join(papers, 'a-packing.pdf'),
    await textPdf(
      [
        'Circle Packing Tricks\nLesson: seed the largest circles in the corners of the square',
        'Lesson: refine radii with SLSQP after every move',
      ],
      {
        title: 'Circle Packing Tricks',
      },
    ),
  );
  writeFileSync(
    join(papers, 'b-notes.md'),
    '# Optimiser Notes\n\nLesson: restart the optimiser from perturbed layouts when it stalls\nLesson:   \n',
  );
  writeFileSync(join(papers, 'c-locked.pdf'), encryptedPdf());
  writeFileSync(join(papers, 'd-scan.pdf'), await scannedPdf());
  writeFileSync(join(papers, 'e-broken.pdf'), corruptPdf());
  writeFileSync(join(papers, 'ignored.png'), 'not a paper');
}

describe('ingestPapers', () => {
  it('stores items with source and page, reports and skips bad papers, and prints progress per paper', async () => {
    await writePapers();
    const events: IngestEvent[] = [];
    const summary = await ingestPapers({
      ...base,
      paths: [papers],
      store,
      extractor: lineExtractor(),
      retriever: retrieverOver(),
      onEvent: (event) => events.push(event),
    });
    const items = store.listCognitionItems();
    expect(items.map((item) => [item.source, item.content])).toEqual([
      ['Circle Packing Tricks, p. 1', 'seed the largest circles in the corners of the square'],
      ['Circle Packing Tricks, p. 2', 'refine radii with SLSQP after every move'],
      ['Optimiser Notes, p. 1', 'restart the optimiser from perturbed layouts when it stalls'],
    ]);
    expect(items[0]?.metadata).toMatchObject({
      kind: 'heuristic',
      paper: 'a-packing.pdf',
      page: 1,
      extractedBy: 'fake-extractor',
    });
    expect(items[0]?.tags).toEqual(['heuristic']);
    expect(summary).toMatchObject({ papers: 5, alreadyIngested: 0, stored: 3, duplicates: 0 });
    expect(summary.skipped.map((entry) => [entry.file.split('/').pop(), entry.message.split(';')[0]])).toEqual([
      ['c-locked.pdf', 'the PDF is encrypted (password-protected)'],
      ['d-scan.pdf', 'the PDF has no text layer (a scanned paper?)'],
      ['e-broken.pdf', expect.stringMatching(/^the PDF cannot be read/)],
    ]);
    expect(summary.problems).toEqual([
      { file: join(papers, 'b-notes.md'), message: 'Optimiser Notes: an item on page 1 has no content; skipped' },
    ]);
    expect(
      events
        .filter((event) => event.type === 'paper-start')
        .map((event) => event.type === 'paper-start' && `${event.position}/${event.total}`),
    ).toEqual(['1/5', '2/5', '3/5', '4/5', '5/5']);
    expect(events.find((event) => event.type === 'paper-done')).toMatchObject({
      title: 'Circle Packing Tricks',
      pages: 2,
      stored: 2,
      duplicates: 0,
    });
    expect(store.listIngestedPapers().map((paper) => paper.title)).toEqual([
      'Circle Packing Tricks',
      'Optimiser Notes',
    ]);
  });

  it('resumes without redoing finished papers, even under another name', async () => {
    await writePapers();
    await ingestPapers({ ...base, paths: [papers], store, extractor: lineExtractor(), retriever: retrieverOver() });
    writeFileSync(
      join(papers, 'f-copy.md'),
      '# Optimiser Notes\n\nLesson: restart the optimiser from perturbed layouts when it stalls\nLesson:   \n',
    );
    const extractor = lineExtractor();
    const summary = await ingestPapers({ ...base, paths: [papers], store, extractor, retriever: retrieverOver() });
    expect(extractor.seen).toEqual([]);
    expect(summary.alreadyIngested).toBe(3);
    expect(store.countCognitionItems()).toBe(3);
  });

  it('after an interruption keeps the finished papers and redoes only the unfinished one', async () => {
    await writePapers();
    const controller = new AbortController();
    const interrupting: PaperExtractor = {
      modelId: 'fake',
      extract: async (input) => {
        if (input.paperTitle === 'Optimiser Notes') {
          controller.abort(new Error('interrupted'));
          throw new Error('interrupted');
        }
        return lineExtractor().extract(input);
      },
    };
    await expect(
      ingestPapers({
        ...base,
        paths: [papers],
        store,
        extractor: interrupting,
        retriever: retrieverOver(),
        abortSignal: controller.signal,
      }),
    ).rejects.toThrow('interrupted');
    expect(store.listIngestedPapers().map((paper) => paper.title)).toEqual(['Circle Packing Tricks']);
    expect(store.countCognitionItems()).toBe(2);
    const extractor = lineExtractor();
    await ingestPapers({ ...base, paths: [papers], store, extractor, retriever: retrieverOver() });
    expect(extractor.seen).toEqual(['Optimiser Notes']);
    expect(store.countCognitionItems()).toBe(3);
  });

  it('leaves out items that duplicate stored ones or each other', async () => {
    store.upsertCognitionItems([
      {
        id: 'known',
        title: 'Corners',
        content: 'seed the largest circles in the corners of the square',
        source: 'seed',
        tags: [],
        metadata: {},
      },
    ]);
    writeFileSync(
      join(papers, 'dup.md'),
      '# Dup\n\nLesson: seed the largest circles in the corners of the square\nLesson: use warm restarts\nLesson: use warm restarts!\n',
    );
    const summary = await ingestPapers({
      ...base,
      paths: [papers],
      store,
      extractor: lineExtractor(),
      retriever: retrieverOver(),
    });
    expect(summary).toMatchObject({ stored: 1, duplicates: 2 });
    expect(store.listCognitionItems().map((item) => item.content)).toEqual([
      'seed the largest circles in the corners of the square',
      'use warm restarts',
    ]);
    expect(store.listIngestedPapers()[0]).toMatchObject({ duplicates: 2, itemIds: [expect.stringMatching(/^cog-/)] });
  });

  it('skips each paper, naming it, while the embeddings server is down, and loses nothing stored', async () => {
    store.upsertCognitionItems([
      { id: 'known', title: 'Known', content: 'an existing item', source: 'seed', tags: [], metadata: {} },
    ]);
    await writePapers();
    const port = await closedPort();
    const down = createOpenAIEmbedder({ baseURL: `http://127.0.0.1:${port}/v1`, modelId: 'embed', dimensions: 16 });
    const summary = await ingestPapers({
      ...base,
      paths: [join(papers, 'a-packing.pdf'), join(papers, 'b-notes.md')],
      store,
      extractor: lineExtractor(),
      retriever: retrieverOver(down),
    });
    expect(summary.skipped.map((entry) => entry.message)).toEqual([
      `Cannot reach the embeddings endpoint http://127.0.0.1:${port}/v1/embeddings: connection refused`,
      `Cannot reach the embeddings endpoint http://127.0.0.1:${port}/v1/embeddings: connection refused`,
    ]);
    expect(store.listCognitionItems().map((item) => item.id)).toEqual(['known']);
    expect(store.listIngestedPapers()).toEqual([]);
  });

  it('stops at once on a refused API key, keeping the papers already done', async () => {
    await writePapers();
    const refused = new AsiEvolveError('CONFIG_INVALID', 'No API key');
    const summary = ingestPapers({
      ...base,
      paths: [papers],
      store,
      extractor: lineExtractor({ failOn: 'Optimiser Notes', error: refused }),
      retriever: retrieverOver(),
    });
    await expect(summary).rejects.toThrow('No API key');
    expect(store.listIngestedPapers().map((paper) => paper.title)).toEqual(['Circle Packing Tricks']);
  });

  it('skips a paper whose extraction fails and goes on with the next', async () => {
    await writePapers();
    const summary = await ingestPapers({
      ...base,
      paths: [papers],
      store,
      extractor: lineExtractor({ failOn: 'Circle Packing Tricks', error: new Error('LLM retries exhausted') }),
      retriever: retrieverOver(),
    });
    expect(summary.skipped[0]).toEqual({ file: join(papers, 'a-packing.pdf'), message: 'LLM retries exhausted' });
    expect(store.listIngestedPapers().map((paper) => paper.title)).toEqual(['Optimiser Notes']);
  });
});
