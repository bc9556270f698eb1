/**
 * Cost of ranking nodes into Pareto fronts, and of one `pareto` policy round, at 1k, 10k and 100k
 * nodes with two and three objectives. Run: `npx tsx bench/pareto.ts` (about a minute).
 *
 * - rank:    `paretoRanks` over every node (what `status`, `best` and the dashboard do): the
 *            efficient non-dominated sort, O(M·N²) at worst, far less on these populations.
 * - rebuild: the policy's first select() after loading every node (a resume): it sorts them once
 *            and keeps the first `fronts` fronts.
 * - round:   the policy observes one new node, selects, and gives the standings the prompts show
 *            (what a round asks of it): the kept fronts are updated node by node, so this should
 *            not grow with the number of nodes.
 * Populations: objective values drawn uniformly at random, a tenth of the nodes failed.
 */
import { paretoRanks, type ObjectiveSettings } from '../src/domain/index.js';
import { createRandom } from '../src/random.js';
import { createParetoPolicy, type SampleableNode } from '../src/sampling/index.js';

const sizes = [1_000, 10_000, 100_000];

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

console.log('objectives   nodes   rank (ms)  rebuild (ms)  round (ms)');
for (const objectiveCount of [2, 3]) {
  const settings = settingsOf(objectiveCount);
  for (const size of sizes) {
    const nodes = makeNodes(size);
    const rank = time(size >= 100_000 ? 1 : 3, () => paretoRanks(nodes, settings));
    const policy = createParetoPolicy({ objectives: settings });
    const rounds = 200;
    for (const node of nodes.slice(0, -rounds)) policy.observe(node);
    let next = size - rounds;
    const random = createRandom(1);
    const rebuild = time(1, () => policy.select({ n: 3, random }));
    const round = time(rounds, () => {
      policy.observe(nodes[next++] as SampleableNode);
      const { context } = policy.select({ n: 3, random });
      policy.standings?.(
        settings,
        context.map((node) => node.id),
      );
    });
    console.log(
      `${String(objectiveCount).padStart(10)}  ${String(size).padStart(6)}  ${rank.toFixed(1).padStart(9)}  ${rebuild.toFixed(1).padStart(12)}  ${round.toFixed(3).padStart(10)}`,
    );
  }
}
