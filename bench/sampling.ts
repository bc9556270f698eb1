/**
 * Cost of sampling and storing, per policy, at 1k, 10k and 100k nodes. Run: `npx tsx bench/sampling.ts`
 * (about a minute; `--quick` stops at 10k).
 *
 * Table 1, in memory (median µs over repeated calls):
 * - ucb1:   select O(N) (two passes + partial top-n); observe O(1).
 * - greedy: select O(N) (one pass + partial top-n); observe O(1).
 * - random: select O(N) (collect the eligible) + O(n) draws; observe O(1).
 * - pool:   select O(N) (membership pass; a refresh adds a partial top-P); observe O(1).
 * - island: select O(N) (membership pass) + O(n·M) draws, plus a partial top-m per island at
 *           each migration; observe O(dimensions + islands) for a new node.
 * No policy sorts all N nodes per call.
 *
 * Table 2, with the real SQLite store (one file per size, built once by batch insert):
 * - insert:   one `store.insertNode` in its own transaction (synchronous = FULL, so an fsync),
 *             with a visit update and the sampler state, as a round commits. O(log N) B-tree work
 *             plus a constant fsync; `batched` is the same insert 200 to a transaction (no fsync).
 * - read:     `store.sampleableNodes()`, the population a round samples from. O(N).
 * - decision: read + select() for each policy, i.e. one round's sampling decision. O(N).
 * - evict:    `selectEvictions` at max_size = N − 1 (one eviction). O(N).
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
  selectEvictions,
  type SampleableNode,
  type SamplingPolicy,
} from '../src/sampling/index.js';
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
      visitCount: random.int(5),
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

/** observe() is sub-microsecond for most policies: time batches of new nodes, per call. */
function benchObserve(policy: SamplingPolicy, nodes: SampleableNode[], batches: number): number {
  const batchSize = 100;
  const times: number[] = [];
  let nextId = nodes.length;
  const template = nodes[1] as SampleableNode;
  for (let batch = 0; batch < batches; batch++) {
    const fresh = Array.from({ length: batchSize }, () => ({ ...template, id: nextId, step: nextId++, island: nextId % 5 }));
    const start = performance.now();
    for (const node of fresh) policy.observe(node);
    times.push(((performance.now() - start) * 1000) / batchSize);
  }
  return median(times);
}

function printTable(title: string, rows: string[][]): void {
  console.log(`\n${title}`);
  const widths = (rows[0] as string[]).map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  for (const row of rows) {
    console.log(row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  '));
  }
}

const program = (random: Random): string =>
  Array.from({ length: 40 }, (_, line) => `const value${line} = ${(random.next() * 10).toFixed(4)}; // tuned constant ${line}`).join('\n');

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

const memoryRows: string[][] = [['policy', 'nodes', 'select µs', 'observe µs']];
for (const [name, create] of Object.entries(policies)) {
  for (const size of sizes) {
    const nodes = makeNodes(size, 5);
    const policy = create();
    for (const node of nodes) policy.observe(node);
    const random = createRandom(1);
    const repeats = Math.max(15, Math.min(300, Math.floor(3_000_000 / size)));
    const select = timeMicros(() => policy.select({ nodes, n: sampleSize, random }), repeats, 5);
    const observe = benchObserve(policy, nodes, 30);
    memoryRows.push([name, size.toLocaleString('en-US'), select.toFixed(1), observe.toFixed(3)]);
  }
}
printTable('In memory: one select() and one observe()', memoryRows);

const dir = mkdtempSync(join(tmpdir(), 'asi-evolve-bench-'));
const storeRows: string[][] = [['nodes', 'build s', 'insert µs', 'batched µs', 'read ms', 'evict ms', ...Object.keys(policies).map((name) => `${name} ms`)]];
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
          store.insertNode(storedNode(step, random), { visitedIds: [random.int(step)], samplerState: { name: 'ucb1', state: { step } } });
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
                store.insertNode(storedNode(step, random), { visitedIds: [random.int(step)], samplerState: { name: 'ucb1', state: { step } } });
              }
            }),
          5,
          1,
        ) / 200;
      const repeats = size >= 100_000 ? 5 : 15;
      const read = timeMicros(() => store.sampleableNodes(), repeats, 1) / 1000;
      const parents = new Map(store.listNodes().map((node) => [node.id, node.parentIds]));
      const population = store.sampleableNodes().map((node) => ({ ...node, parentIds: parents.get(node.id) ?? [] }));
      const evict = timeMicros(() => selectEvictions({ nodes: population, maxSize: population.length - 1 }), repeats, 1) / 1000;
      const decisions = Object.values(policies).map((create) => {
        const policy = create();
        for (const node of store.sampleableNodes()) policy.observe(node);
        const selectRandom = createRandom(2);
        return timeMicros(() => policy.select({ nodes: store.sampleableNodes(), n: sampleSize, random: selectRandom }), repeats, 1) / 1000;
      });
      storeRows.push([
        size.toLocaleString('en-US'),
        build.toFixed(1),
        insert.toFixed(0),
        batched.toFixed(1),
        read.toFixed(1),
        evict.toFixed(1),
        ...decisions.map((value) => value.toFixed(1)),
      ]);
    } finally {
      store.close();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
printTable('SQLite store: one insert, one read of the population, one eviction choice, one sampling decision (read + select)', storeRows);
