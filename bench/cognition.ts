/**
 * Cognition retrieval at 10k and 100k items: build time, query latency (p50/p95, one query
 * embedded and searched) and recall of the approximate index against exact search.
 * Run: `npx tsx bench/cognition.ts` (or give sizes: `npx tsx bench/cognition.ts 10000 50000`).
 *
 * Items are synthetic but shaped like real cognition items: 300 topics, each with its own
 * vocabulary, and texts of 25–45 words of which about 60 % come from the item's topic, embedded
 * by the built-in lexical embedder (512 dimensions, the default). Queries are new texts drawn
 * the same way. Recall@k counts an approximate hit when its exact score reaches the k-th exact
 * score (so ties do not count as misses).
 *
 * - exact (map): embedding all items is the build; each query scores every vector of the map
 *   (searchExact, O(N·d)).
 * - exact (matrix): the vectors copied once into a matrix of unit rows (createExactIndex, the
 *   run's exact search), scanned per query by usearch's SIMD brute force or, with `js`, by the
 *   JavaScript loop; the best candidates re-scored as searchExact does, so recall is 1.
 * - approximate: usearch HNSW (cosine, f16, connectivity 16, expansion_add 64,
 *   expansion_search 128) over the same vectors, candidates re-scored exactly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApproximateIndex, createLexicalEmbedder, searchExact } from '../src/cognition/index.js';
import { createExactIndex } from '../src/cognition/exact-index.js';
import { createRandom, type Random } from '../src/random.js';

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((size) => Number.isInteger(size) && size > 0);
const itemCounts = sizes.length > 0 ? sizes : [10_000, 100_000];
const queries = 200;
const k = 10;
const topics = 300;

const syllables = [
  'ka',
  'lo',
  'mi',
  'ne',
  'ru',
  'sa',
  'ti',
  'vo',
  'ze',
  'pa',
  'qui',
  'dor',
  'len',
  'bar',
  'tos',
  'gri',
];

function vocabulary(random: Random, size: number): string[] {
  const words = new Set<string>();
  while (words.size < size) {
    const length = 2 + random.int(3);
    words.add(Array.from({ length }, () => syllables[random.int(syllables.length)]).join(''));
  }
  return [...words];
}

function makeTexts(count: number, seed: string, words: string[]): string[] {
  const random = createRandom(seed);
  const perTopic = Math.floor(words.length / topics);
  return Array.from({ length: count }, () => {
    const topic = random.int(topics);
    const length = 25 + random.int(21);
    const text: string[] = [];
    for (let index = 0; index < length; index++) {
      text.push(
        random.next() < 0.6 ? words[topic * perTopic + random.int(perTopic)]! : words[random.int(words.length)]!,
      );
    }
    return text.join(' ');
  });
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

const format = (ms: number): string =>
  ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(2)} ms`;

async function benchSize(count: number, words: string[]): Promise<string[]> {
  const embedder = createLexicalEmbedder();
  const texts = makeTexts(count, `items:${count}`, words);
  let started = performance.now();
  const { embeddings } = await embedder.embed({ values: texts });
  const vectors = new Map(embeddings.map((vector, index) => [`item-${index}`, vector]));
  const embedMs = performance.now() - started;

  // The build as a first run does it: the graph, then its save to the experiment's cache.
  const cacheDir = mkdtempSync(join(tmpdir(), 'asi-bench-hnsw-'));
  const cacheFile = join(cacheDir, 'hnsw.usearch');
  started = performance.now();
  const index = createApproximateIndex({ dimensions: embedder.dimensions, cacheFile });
  index.sync(vectors);
  const indexMs = performance.now() - started;
  // A later run: the saved graph is loaded and checked instead of rebuilt.
  started = performance.now();
  createApproximateIndex({ dimensions: embedder.dimensions, cacheFile }).sync(vectors);
  const reloadMs = performance.now() - started;
  rmSync(cacheDir, { recursive: true, force: true });

  started = performance.now();
  const matrix = createExactIndex(vectors);
  const matrixMs = performance.now() - started;
  const matrixJs = createExactIndex(vectors, { simd: false });

  const queryTexts = makeTexts(queries, `queries:${count}`, words);
  const exactTimes: number[] = [];
  const exactSearchTimes: number[] = [];
  const matrixTimes: number[] = [];
  const matrixJsTimes: number[] = [];
  const approximateTimes: number[] = [];
  const approximateSearchTimes: number[] = [];
  let hits = 0;
  let wanted = 0;
  let matrixMismatches = 0;
  for (const text of queryTexts) {
    let begin = performance.now();
    const exactVector = (await embedder.embed({ values: [text] })).embeddings[0]!;
    const searchBegin = performance.now();
    const exact = searchExact(exactVector, vectors, k, Number.NEGATIVE_INFINITY);
    exactSearchTimes.push(performance.now() - searchBegin);
    exactTimes.push(performance.now() - begin);

    begin = performance.now();
    const fromMatrix = matrix.search(exactVector, k, Number.NEGATIVE_INFINITY);
    matrixTimes.push(performance.now() - begin);
    begin = performance.now();
    const fromMatrixJs = matrixJs.search(exactVector, k, Number.NEGATIVE_INFINITY);
    matrixJsTimes.push(performance.now() - begin);
    if (JSON.stringify(fromMatrix) !== JSON.stringify(exact) || JSON.stringify(fromMatrixJs) !== JSON.stringify(exact))
      matrixMismatches++;

    begin = performance.now();
    const vector = (await embedder.embed({ values: [text] })).embeddings[0]!;
    const approximateBegin = performance.now();
    const approximate = index.search(vector, k, Number.NEGATIVE_INFINITY);
    approximateSearchTimes.push(performance.now() - approximateBegin);
    approximateTimes.push(performance.now() - begin);

    const floor = (exact[exact.length - 1]?.score ?? 0) - 1e-6;
    wanted += exact.length;
    hits += Math.min(exact.length, approximate.filter((match) => match.score >= floor).length);
  }
  const recall = wanted === 0 ? 1 : hits / wanted;
  if (matrixMismatches > 0)
    throw new Error(`exact (matrix) differed from searchExact on ${matrixMismatches} of ${queries} queries`);
  const size = count.toLocaleString('en');
  const row = (
    name: string,
    build: string,
    embedded: number[] | null,
    searched: number[],
    recallText: string,
  ): string =>
    `| ${size} | ${name} | ${build} | ${embedded === null ? '-' : format(percentile(embedded, 0.5))} | ${embedded === null ? '-' : format(percentile(embedded, 0.95))} | ${format(percentile(searched, 0.5))} | ${format(percentile(searched, 0.95))} | ${recallText} |`;
  return [
    row('exact (map)', format(embedMs), exactTimes, exactSearchTimes, '1.000'),
    row('exact (matrix, usearch SIMD)', `${format(embedMs)} + ${format(matrixMs)}`, null, matrixTimes, '1.000'),
    row('exact (matrix, JavaScript)', `${format(embedMs)} + ${format(matrixMs)}`, null, matrixJsTimes, '1.000'),
    row(
      'approximate (usearch)',
      `${format(embedMs + indexMs)} (index ${format(indexMs)}, next run ${format(reloadMs)})`,
      approximateTimes,
      approximateSearchTimes,
      recall.toFixed(3),
    ),
  ];
}

const words = vocabulary(createRandom('bench:vocabulary'), topics * 20);
console.log(
  `Cognition retrieval: ${queries} queries per size, top ${k}, lexical embedder (512 dims), ${topics} topics; node ${process.version}, ${process.arch}`,
);
console.log('');
console.log(`| items | search | build | embed + search p50 | p95 | search only p50 | p95 | recall@${k} vs exact |`);
console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const count of itemCounts) {
  for (const row of await benchSize(count, words)) console.log(row);
}
