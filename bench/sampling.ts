/**
 * Cost of one select() and one observe() per sampling policy at 1k, 10k and 100k nodes
 * (median µs over repeated calls). Run: `npx tsx bench/sampling.ts`.
 *
 * Expected complexity, N nodes, n = sample size, M = members of the served island:
 * - ucb1:   select O(N) (two passes + partial top-n); observe O(1).
 * - greedy: select O(N) (one pass + partial top-n); observe O(1).
 * - random: select O(N) (collect the eligible) + O(n) draws; observe O(1).
 * - pool:   select O(N) (membership pass; a refresh adds a partial top-P); observe O(1).
 * - island: select O(N) (membership pass) + O(n·M) draws, plus a partial top-m per island at
 *           each migration; observe O(dimensions + islands) for a new node.
 * No policy sorts all N nodes per call.
 */
import { createRandom } from '../src/random.js';
import {
  createCandidatePoolPolicy,
  createGreedyPolicy,
  createIslandPolicy,
  createRandomPolicy,
  createUcb1Policy,
  type SampleableNode,
  type SamplingPolicy,
} from '../src/sampling/index.js';

const sizes = [1_000, 10_000, 100_000];
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

function benchSelect(policy: SamplingPolicy, nodes: SampleableNode[], repeats: number): number {
  const times: number[] = [];
  const random = createRandom(1);
  for (let repeat = 0; repeat < repeats; repeat++) {
    const start = performance.now();
    policy.select({ nodes, n: sampleSize, random });
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

const rows: string[][] = [['policy', 'nodes', 'select µs', 'observe µs']];
for (const [name, create] of Object.entries(policies)) {
  for (const size of sizes) {
    const nodes = makeNodes(size, 5);
    const policy = create();
    for (const node of nodes) policy.observe(node);
    const repeats = Math.max(15, Math.min(300, Math.floor(3_000_000 / size)));
    benchSelect(policy, nodes, 5); // warm-up
    const select = benchSelect(policy, nodes, repeats);
    const observe = benchObserve(policy, nodes, 30);
    rows.push([name, size.toLocaleString('en-US'), select.toFixed(1), observe.toFixed(3)]);
  }
}

const widths = (rows[0] as string[]).map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
for (const row of rows) {
  console.log(row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  '));
}
