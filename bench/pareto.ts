/**
 * Cost of ranking nodes into Pareto fronts, and of one `pareto` policy round, at 1k, 3k and 10k
 * nodes with two and three objectives. Run: `npx tsx bench/pareto.ts` (about half a minute).
 *
 * - rank:  `paretoRanks` over every node (what `status`, `best`, the dashboard and each round's
 *          view for the agents do): the efficient non-dominated sort, O(M·N²) at worst, far less
 *          on these populations, plus O(M·N log N) for the crowding distances.
 * - round: the policy observes one new node, then selects: it ranks again (the population
 *          changed), so a round costs one `rank`; a select without a change costs O(N).
 * Populations: objective values drawn uniformly at random, a tenth of the nodes failed.
 */
import { paretoRanks, type ObjectiveSettings } from '../src/domain/index.js';
import { createRandom } from '../src/random.js';
import { createParetoPolicy, type SampleableNode } from '../src/sampling/index.js';

const sizes = [1_000, 3_000, 10_000];

function settingsOf(count: number): ObjectiveSettings {
  const names = ['accuracy', 'seconds', 'memory'].slice(0, count);
  return {
    objectives: names.map((name, index) => ({ name, direction: index === 0 ? 'maximize' : 'minimize' })),
    outOfBounds: 'infeasible',
  };
}

function makeNodes(count: number): SampleableNode[] {
  const random = createRandom(`pareto-bench:${count}`);
  return Array.from({ length: count }, (_, id) => ({
    id,
    step: id,
    score: random.next(),
    success: random.next() > 0.1,
    visitCount: random.int(5),
    island: null,
    programLength: 100,
    metrics: { accuracy: random.next(), seconds: random.next(), memory: random.next() },
  }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function time(repeats: number, action: () => void): number {
  const samples: number[] = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    const started = performance.now();
    action();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

console.log('objectives  nodes   rank (ms)  round (ms)');
for (const objectiveCount of [2, 3]) {
  const settings = settingsOf(objectiveCount);
  for (const size of sizes) {
    const nodes = makeNodes(size);
    const rank = time(5, () => paretoRanks(nodes, settings));
    const policy = createParetoPolicy({ objectives: settings });
    for (const node of nodes.slice(0, -5)) policy.observe(node);
    let next = size - 5;
    const random = createRandom(1);
    const round = time(5, () => {
      policy.observe(nodes[next++] as SampleableNode);
      policy.select({ n: 3, random });
    });
    console.log(
      `${String(objectiveCount).padStart(10)}  ${String(size).padStart(5)}  ${rank.toFixed(1).padStart(9)}  ${round.toFixed(1).padStart(10)}`,
    );
  }
}
