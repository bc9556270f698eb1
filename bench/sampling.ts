/**
 * Cost of sampling and storing, per policy, at 1k, 10k and 100k nodes. Run: `npx tsx bench/sampling.ts`
 * (about two minutes; `--quick` stops at 10k).
 *
 * Table 1, in memory (median µs per call). Each policy keeps its own indexes up to date node by
 * node (observe/forget), so one decision never passes over the population:
 * - ucb1:   select O(n·(log N + V)), V = distinct visit counts (the bench spreads visits over ~40).
 * - greedy: select O(log N + n).
 * - random: select O(n·log N).
 * - pool:   select O(P·log P); a refresh adds O(P + log N).
 * - island: select O(n·log N) expected (rejection draws) + O(cells) for the elites; a migration
 *           adds O(m·log N) for the m nodes that move.
 * - observe (a new node), visit (a node observed again with one more visit) and forget
 *   (an eviction): O(log N), times the islands for the island policy.
 * `10×N` is how much one select() grows per tenfold nodes: 1.0 is flat, log N gives ~1.3 from
 * 10k to 100k, a linear pass gives 10.
 *
 * Table 2, with the real SQLite store (one file per size, built once by batch insert):
 * - insert:   one `store.insertNode` in its own transaction (synchronous = FULL, so an fsync),
 *             with a visit update and the sampler state, as a round commits. O(log N) B-tree work
 *             plus a constant fsync; `batched` is the same insert 200 to a transaction (no fsync).
 * - resume:   once per `run` start: read every node and observe it (ucb1), O(N).
 * - evict:    one round's eviction at max_size (database.max_size set): add the new node to the
 *             run's EvictionIndex and evict one node. O(log N).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRandom, type Random } from '../src/random.js';
import {
  createCandidatePoolPolicy,
  createGreedyPolicy,
  createIslandPolicy,
  createRandomPolicy,
  createUcb1Policy,
  EvictionIndex,
  type SampleableNode,
  type SamplingPolicy,
} from '../src/sampling/index.js';
import { toSampleable } from '../src/loop/run.js';
import { openStore, type NewNode, type Store } from '../src/store/index.js';

const quick = process.argv.includes('--quick');
const sizes = quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
const sampleSize = 3;

const policies: Record<string, () => SamplingPolicy> = {
  ucb1: () => createUcb1Policy(),
  greedy: () => createGreedyPolicy(),
  random: () => createRandomPolicy(),
  pool: () => createCandidatePoolPolicy(),
  island: () => createIslandPolicy(),
};

function makeNodes(count: number, numIslands: number): SampleableNode[] {
  const random = createRandom(`bench:${count}`);
  return Array.from({ length: count }, (_, id) => {
    const success = random.next() > 0.2;
    return {
      id,
      step: id,
      score: success ? random.next() * 100 : null,
      success,
      // Mostly few visits, a long tail: ~40 distinct counts, as after many UCB1 rounds.
      visitCount: 1 + Math.floor(-Math.log(1 - random.next()) * 4),
      island: id === 0 ? null : random.int(numIslands),
      programLength: 200 + random.int(5_000),
      metrics: { accuracy: random.next() },
    };
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Median µs of `repeats` calls of `fn`, after `warmUp` untimed ones. */
function timeMicros(fn: (repeat: number) => void, repeats: number, warmUp = 2): number {
  for (let repeat = 0; repeat < warmUp; repeat++) fn(-1 - repeat);
  const times: number[] = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    const start = performance.now();
    fn(repeat);
    times.push((performance.now() - start) * 1000);
  }
  return median(times);
}

/** Median µs per call of `call` over batches of 100 calls (single calls are too short to time). */
function perCall(call: (index: number) => void, batches: number): number {
  const batchSize = 100;
  const times: number[] = [];
  let index = 0;
  for (let batch = 0; batch < batches; batch++) {
    const start = performance.now();
    for (let inBatch = 0; inBatch < batchSize; inBatch++) call(index++);
    times.push(((performance.now() - start) * 1000) / batchSize);
  }
  return median(times);
}

function printTable(title: string, rows: string[][]): void {
  console.log(`\n${title}`);
  const widths = (rows[0] as string[]).map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  for (const row of rows) {
    console.log(
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
        .join('  '),
    );
  }
}

const program = (random: Random): string =>
  Array.from(
    { length: 40 },
    (_, line) => `const value${line} = ${(random.next() * 10).toFixed(4)}; // tuned constant ${line}`,
  ).join('\n');

function storedNode(step: number, random: Random): NewNode {
  const success = random.next() > 0.2;
  const score = success ? random.next() * 100 : null;
  return {
    id: step,
    step,
    name: `candidate-${step}`,
    motivation: `perturbed constants of #${Math.max(0, step - 1 - random.int(20))}`,
    program: program(random),
    results: success ? { eval_score: score, success: true, accuracy: random.next(), note: 'ok' } : { success: false },
    analysis: 'The candidate kept the layout and moved two constants.',
    score,
    evalScore: score,
    success,
    error: success ? null : 'exit-code: 1',
    parentIds: step === 0 ? [] : [random.int(step), random.int(step)],
    cognitionIds: [],
    provenance: 'experience',
    runtimeMs: 120,
    island: step === 0 ? null : random.int(5),
    operator: 'builtin:perturb',
    metadata: {},
    usage: { inputTokens: undefined, cachedInputTokens: undefined, outputTokens: undefined },
    costUsd: 0,
  };
}

function buildStore(dir: string, count: number): Store {
  const store = openStore(join(dir, `bench-${count}.db`));
  const random = createRandom(`store:${count}`);
  store.transaction(() => {
    for (let step = 0; step < count; step++) store.insertNode(storedNode(step, random));
  });
  return store;
}

const memoryRows: string[][] = [['policy', 'nodes', 'select µs', '10×N', 'observe µs', 'visit µs', 'forget µs']];
for (const [name, create] of Object.entries(policies)) {
  let previous: number | null = null;
  for (const size of sizes) {
    const nodes = makeNodes(size, 5);
    const policy = create();
    for (const node of nodes) policy.observe(node);
    const random = createRandom(1);
    const select = timeMicros(() => policy.select({ n: sampleSize, random }), 300, 20);
    const template = nodes[1] as SampleableNode;
    let nextId = nodes.length;
    const observe = perCall(() => {
      const id = nextId++;
      policy.observe({ ...template, id, step: id, island: id % 5, visitCount: 0 });
    }, 30);
    const visit = perCall((index) => {
      const node = nodes[1 + ((index * 7919) % (size - 1))] as SampleableNode;
      policy.observe({ ...node, visitCount: node.visitCount + 1 + index });
    }, 30);
    const forget = perCall((index) => policy.forget(2 + ((index * 104729) % (size - 2))), 10);
    const growth = previous === null ? '' : (select / previous).toFixed(1);
    previous = select;
    memoryRows.push([
      name,
      size.toLocaleString('en-US'),
      select.toFixed(1),
      growth,
      observe.toFixed(2),
      visit.toFixed(2),
      forget.toFixed(2),
    ]);
  }
}
printTable('In memory: one select() (3 nodes), and keeping the indexes up to date', memoryRows);

const dir = mkdtempSync(join(tmpdir(), 'asi-evolve-bench-'));
const storeRows: string[][] = [['nodes', 'build s', 'insert µs', 'batched µs', 'resume ms', 'evict µs']];
try {
  for (const size of sizes) {
    const started = performance.now();
    const store = buildStore(dir, size);
    const build = (performance.now() - started) / 1000;
    try {
      const random = createRandom(`insert:${size}`);
      let nextStep = size;
      const insert = timeMicros(
        () => {
          const step = nextStep++;
          store.insertNode(storedNode(step, random), {
            visitedIds: [random.int(step)],
            samplerState: { name: 'ucb1', state: { step } },
          });
        },
        50,
        5,
      );
      // The same insert without the per-commit fsync (200 in one transaction): the B-tree work alone.
      const batched =
        timeMicros(
          () =>
            store.transaction(() => {
              for (let index = 0; index < 200; index++) {
                const step = nextStep++;
                store.insertNode(storedNode(step, random), {
                  visitedIds: [random.int(step)],
                  samplerState: { name: 'ucb1', state: { step } },
                });
              }
            }),
          5,
          1,
        ) / 200;
      const repeats = size >= 100_000 ? 3 : 9;
      const resume =
        timeMicros(
          () => {
            const policy = createUcb1Policy();
            for (const node of store.listNodes()) policy.observe(toSampleable(node));
          },
          repeats,
          1,
        ) / 1000;
      const stored = store.listNodes();
      const evictable = EvictionIndex.from(stored);
      const spared = new Set([stored[0]?.id ?? 0]);
      let nextId = nextStep;
      const evict = perCall(() => {
        const id = nextId++;
        evictable.add({ id, score: random.next() * 100, success: true, parentIds: [random.int(id)] });
        evictable.evict(1, spared);
      }, 20);
      storeRows.push([
        size.toLocaleString('en-US'),
        build.toFixed(1),
        insert.toFixed(0),
        batched.toFixed(1),
        resume.toFixed(0),
        evict.toFixed(1),
      ]);
    } finally {
      store.close();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
printTable('SQLite store: one insert per round, the one-time read at resume, one eviction choice', storeRows);
