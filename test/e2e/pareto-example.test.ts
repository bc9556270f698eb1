import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { paretoFront, summaryMetrics, type NodeRecord, type ObjectiveSettings } from '../../src/domain/index.js';
import {
  analysisAnswer,
  cliEnv,
  copyExample,
  fakeApi,
  makeTempDir,
  readStored,
  repoRoot,
  rewriteAnswer,
  runCli,
  startFakeLlm,
  useE2eCleanup,
} from './helpers.js';

useE2eCleanup();

// The objectives of examples/quadrature-pareto/config.yaml.
const objectives: ObjectiveSettings = {
  objectives: [
    { name: 'digits', direction: 'maximize' },
    { name: 'evaluations', direction: 'minimize', max: 5000 },
  ],
  outOfBounds: 'infeasible',
  instances: 'per_integrand',
};

/** The ids on the front among the nodes stored up to `step`. */
function frontAt(nodes: readonly NodeRecord[], step: number): number[] {
  const upTo = nodes
    .filter((node) => node.step <= step)
    .map((node) => ({ id: node.id, success: node.success, metrics: summaryMetrics(node.results, ['per_integrand']) }));
  return paretoFront(upTo, objectives).map((member) => member.id);
}

const seedProgram = readFileSync(join(repoRoot, 'examples', 'quadrature-pareto', 'initial_program'), 'utf8');
const withDigits = (digits: string): string =>
  seedProgram.replace('const toleranceDigits = 4.0;', `const toleranceDigits = ${digits};`);

describe('examples/quadrature-pareto (two objectives)', () => {
  it('the front grows over a run of the built-in operator (run --builtin), and the summaries keep the per-integral scores', async () => {
    const dir = copyExample('quadrature-pareto');
    const run = await runCli(['run', dir, '--builtin', '--steps', '12'], { env: cliEnv() });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('BUILT-IN NO-MODEL OPERATOR');
    const { nodes } = readStored(dir);
    expect(nodes).toHaveLength(13);
    expect(nodes[0]!.results).toMatchObject({ digits: 6.029, evaluations: 41 });
    expect(frontAt(nodes, 0)).toEqual([0]);
    const sizes = [0, 4, 8, 12].map((step) => frontAt(nodes, step).length);
    expect(sizes[3]).toBeGreaterThanOrEqual(3);
    expect(sizes[3]).toBeGreaterThan(sizes[0]!);
    // The front holds rules the run found, on both sides of the seed's trade-off.
    const front = frontAt(nodes, 12).map((id) => nodes[id]!.results as { digits: number; evaluations: number });
    expect(front.some((values) => values.evaluations < 41)).toBe(true);
    expect(front.some((values) => values.digits > 6.029)).toBe(true);
    // The rule-based analysis of each round compares it with its parent on both objectives.
    expect(nodes[5]!.analysis).toMatch(
      /Objectives: digits \(maximize\): [\d.]+ vs parent [\d.]+ \((better|worse|equal)\); evaluations/,
    );
  });

  it('with scripted answers: the Researcher and the Analyzer are told the objectives, and each trade-off joins the front', async () => {
    const { server, calls } = await startFakeLlm((request) => {
      if (request.role === 'analyzer') return analysisAnswer('More digits cost more calls.');
      if (request.round === 1)
        return rewriteAnswer('tighter', 'Aim at 8 digits: more calls, more digits.', withDigits('8.0'));
      return rewriteAnswer('looser', 'Aim at 2 digits: far fewer calls.', withDigits('2.0'));
    });
    const dir = copyExample('quadrature-pareto');
    const config = join(makeTempDir('asi-e2e-config-'), 'llm.yaml');
    writeFileSync(
      config,
      stringify({
        api: fakeApi(server.url, { timeout: 5 }),
        pipeline: { researcher: { diff_based_evolution: false } },
      }),
    );
    const run = await runCli(['run', dir, '--steps', '2', '--config', config]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    const { nodes } = readStored(dir);
    const values = nodes.map((node) => [node.results.digits, node.results.evaluations]);
    expect(values[0]).toEqual([6.029, 41]);
    expect(values[1]![0]).toBeGreaterThan(11);
    expect(values[1]![1]).toBeGreaterThan(41);
    expect(values[2]![0]).toBeLessThan(6.029);
    expect(values[2]![1]).toBeLessThan(41);
    expect(frontAt(nodes, 0)).toEqual([0]);
    expect(frontAt(nodes, 1).sort()).toEqual([0, 1]);
    expect(frontAt(nodes, 2).sort()).toEqual([0, 1, 2]);

    const researcher = calls.filter((request) => request.role === 'researcher');
    const analyzer = calls.filter((request) => request.role === 'analyzer');
    const second = researcher
      .find((request) => request.round === 2)!
      .messages.map((message) => message.content)
      .join('\n');
    expect(second).toContain('several objectives: digits (maximize); evaluations (minimize, must be at most 5000)');
    expect(second).toContain('2 candidate(s) are on the Pareto front now.');
    // Node 1 is the best on every integral, and says so; the seed wins none.
    expect(second).toMatch(
      /Objectives: on the Pareto front; digits 11\.\d+, evaluations \d+(\.\d)?; best on instances: exp, peak, runge, sin, sqrt, wave\n/,
    );
    expect(second).toContain('Objectives: on the Pareto front; digits 6.029, evaluations 41\n');
    const firstAnalysis = analyzer
      .find((request) => request.round === 1)!
      .messages.map((message) => message.content)
      .join('\n');
    expect(firstAnalysis).toMatch(/- digits \(maximize\): 11\.\d+ vs parent 6\.029 \(better\)/);
    expect(firstAnalysis).toMatch(/- evaluations \(minimize\): \d+(\.\d)? vs parent 41 \(worse\)/);
    expect(firstAnalysis).toContain('No node of the front dominates it: it joins the Pareto front.');
  });

  it('says at start when objectives are configured but parents are still chosen by score', async () => {
    const dir = copyExample('quadrature-pareto');
    const config = join(makeTempDir('asi-e2e-config-'), 'ucb1.yaml');
    writeFileSync(config, stringify({ database: { sampling: { algorithm: 'ucb1' } } }));
    const run = await runCli(['run', dir, '--steps', '0', '--config', config], { env: cliEnv() });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'objectives are configured, but database.sampling.algorithm is ucb1: parents are chosen by eval_score alone',
    );
    const example = await runCli(['run', copyExample('quadrature-pareto'), '--steps', '0'], { env: cliEnv() });
    expect(example.stdout).not.toContain('objectives are configured, but');
    expect(example.stdout).not.toContain('most nodes are non-dominated');
    // Many objectives: the front would hold nearly every node, and the run says so.
    const many = join(makeTempDir('asi-e2e-config-'), 'many.yaml');
    const metrics = Array.from({ length: 200 }, (_, index) => ({ name: `m${index}`, direction: 'maximize' }));
    writeFileSync(many, stringify({ objectives: { metrics } }));
    const crowded = await runCli(['run', copyExample('quadrature-pareto'), '--steps', '0', '--config', many], {
      env: cliEnv(),
    });
    expect(crowded.code).toBe(0);
    expect(crowded.stdout).toContain('200 objectives: with more than 5, most nodes are non-dominated');
  });
});
