import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  analysisAnswer,
  cliEnv,
  copyExample,
  diffAnswer,
  fakeApi,
  makeTempDir,
  readStored,
  repoRoot,
  rewriteAnswer,
  runCli,
  startFakeLlm,
  stepFile,
  useE2eCleanup,
} from './helpers.js';

useE2eCleanup();

// The seed scores each example's README states.
const circleSeed = 0.959764;
const binSeed = -4.1212;

const readExample = (name: string, file: string): string =>
  readFileSync(join(repoRoot, 'examples', name, file), 'utf8');

/** A `--config` file (outside the experiment) that points the run at the fake LLM. */
function llmConfig(url: string): string {
  const path = join(makeTempDir('asi-e2e-config-'), 'llm.yaml');
  writeFileSync(path, stringify({ api: fakeApi(url, { timeout: 5 }) }));
  return path;
}

/**
 * The seed with its EVOLVE block replaced (the lines outside it must stay as they are): a 5 × 5
 * grid of radius 0.1 plus a 26th circle in a gap, 2.5414, far above the ring seed.
 */
function gridPacking(edit = ''): string {
  const seed = readExample('circle-packing-py', 'initial_program');
  const block = /(# EVOLVE-BLOCK-START\n)[\s\S]*?(# EVOLVE-BLOCK-END)/;
  expect(seed).toMatch(block);
  return seed.replace(
    block,
    `$1def construct_packing():
    xs, ys = np.meshgrid(0.1 + 0.2 * np.arange(5), 0.1 + 0.2 * np.arange(5))
    centers = np.vstack([np.column_stack([xs.ravel(), ys.ravel()]), [[0.2, 0.2]]])
    radii = np.full(26, 0.1)
    radii[25] = np.sqrt(2) * 0.1 - 0.1 - 1e-9
    ${edit}
    return centers, radii, float(np.sum(radii))
$2`,
  );
}
const gridScore = 2.5 + Math.SQRT2 * 0.1 - 0.1;

async function runWithoutModel(dir: string, steps: number) {
  const env = cliEnv();
  expect(env.OPENAI_API_KEY).toBeUndefined();
  const run = await runCli(['run', dir, '--steps', String(steps)], { env });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('BUILT-IN NO-MODEL OPERATOR');
  expect(run.stdout).toContain(`Run done: ${steps}/${steps} rounds`);
  const stored = readStored(dir);
  expect(stored.nodes.map((node) => node.id)).toEqual(Array.from({ length: steps + 1 }, (_, index) => index));
  expect(stored.nodes[0]!.operator).toBe('seed');
  expect(stored.nodes.slice(1).every((node) => node.operator.startsWith('builtin:'))).toBe(true);
  expect(stored.calls).toEqual([]);
  return stored;
}

describe('examples/circle-packing-py (the reference layout)', () => {
  it('runs 3 rounds without any LLM from the seed score its README states', async () => {
    expect(readExample('circle-packing-py', 'README.md')).toContain(String(circleSeed));
    const dir = copyExample('circle-packing-py');
    const { nodes } = await runWithoutModel(dir, 3);
    expect(nodes[0]!.score).toBeCloseTo(circleSeed, 6);
    expect(nodes[0]!.success).toBe(true);
    // The candidate is also written as program.py (evaluator.program_file) and scored by the Python evaluator.
    expect(existsSync(join(dir, 'steps', 'step_1', 'program.py'))).toBe(true);
    expect(JSON.parse(stepFile(dir, 0, 'results.json'))).toMatchObject({ num_circles: 26, validity: 1 });
  });

  it('runs its own config and Jinja2 prompts unchanged against an LLM, and states why an invalid candidate failed', async () => {
    const analysis = 'The grid is valid; optimise the radii with the linear program next.';
    const { server, calls } = await startFakeLlm((request) => {
      if (request.role === 'analyzer') return analysisAnswer(analysis);
      if (request.round === 1)
        return rewriteAnswer('grid-plus-one', 'A 5 x 5 grid of equal circles and one in a gap.', gridPacking());
      return rewriteAnswer(
        'grid-with-nan',
        'Try a radius that is not a number.',
        gridPacking("radii[3] = float('nan')"),
      );
    });
    const dir = copyExample('circle-packing-py');
    const config = parse(readFileSync(join(dir, 'config.yaml'), 'utf8')) as Record<
      string,
      Record<string, Record<string, unknown>>
    >;
    expect(config.pipeline!.researcher!.diff_based_evolution).toBe(false);
    expect(config.database!.max_size).toBe(70);
    expect(config.database!.sampling!.algorithm).toBe('island');

    const run = await runCli(['run', dir, '--steps', '2', '--config', llmConfig(server.url)]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`LLM: test-model at ${server.url}`);

    const { nodes, calls: stored } = readStored(dir);
    expect(nodes.map((node) => [node.id, node.operator, node.success])).toEqual([
      [0, 'seed', true],
      [1, 'llm', true],
      [2, 'llm', false],
    ]);
    expect(nodes[1]!.name).toBe('grid-plus-one');
    expect(nodes[1]!.score).toBeCloseTo(gridScore, 8);
    expect(nodes[1]!.score!).toBeGreaterThan(circleSeed);
    expect(nodes[1]!.analysis).toBe(analysis);
    expect(nodes[2]!.error).toContain('radius 3 is not a finite number: NaN');
    expect(JSON.parse(readFileSync(join(dir, 'best', 'results.json'), 'utf8')).eval_score).toBeCloseTo(gridScore, 8);

    // Only the example's prompts/*.jinja2 produce these lines (the built-in templates differ).
    const researcher = calls.find((request) => request.role === 'researcher' && request.round === 1)!;
    const prompt = researcher.messages.map((message) => message.content).join('\n');
    expect(prompt).toContain('You are the Researcher of an automated research loop on a geometry problem.');
    expect(prompt).toContain('## The program to improve now (round 1): seed, score 0.959764');
    expect(prompt).toContain('def construct_packing():');
    expect(prompt).toContain('copy every line outside them');
    expect(prompt).not.toContain('<<<<<<< SEARCH');
    // Each answer was accepted at once: the program kept the lines outside the EVOLVE block.
    expect(calls.filter((request) => request.role === 'researcher').map((request) => request.turn)).toEqual([1, 1]);
    const items = parse(readExample('circle-packing-py', 'cognition.yaml')) as Array<{ id: string; title: string }>;
    expect(nodes[1]!.cognitionIds.length).toBeGreaterThan(0);
    for (const id of nodes[1]!.cognitionIds)
      expect(prompt).toContain(`**${items.find((item) => item.id === id)!.title}**`);
    const analyzer = calls.find(
      (request) =>
        request.role === 'analyzer' && request.messages.some((message) => message.content.includes('grid-with-nan')),
    )!;
    const analyzerPrompt = analyzer.messages.map((message) => message.content).join('\n');
    expect(analyzerPrompt).toContain('Failed: ');
    expect(analyzerPrompt).toContain('radius 3 is not a finite number: NaN');
    expect(analyzerPrompt).toContain('how far the score is\nfrom the best known 2.6359830849');

    expect(stored.filter((call) => call.nodeId === 1).map((call) => call.role)).toEqual(['researcher', 'analyzer']);
    for (const step of [1, 2]) {
      expect(readdirSync(join(dir, 'steps', `step_${step}`, 'llm')).sort()).toEqual([
        '01-researcher.json',
        '02-analyzer.json',
      ]);
    }
    const transcript = JSON.parse(stepFile(dir, 1, join('llm', '01-researcher.json'))) as {
      request: { messages: Array<{ content: string }> };
    };
    expect(transcript.request.messages.map((message) => message.content).join('\n')).toContain('on a geometry problem');
  });

  it('init --template circle-packing-py makes a folder that runs 2 rounds without a model', async () => {
    const dir = join(makeTempDir(), 'my-packing');
    const init = await runCli(['init', dir, '--template', 'circle-packing-py'], { env: cliEnv() });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain("from the 'circle-packing-py' template");
    for (const file of [
      'input.md',
      'initial_program',
      'eval.sh',
      'evaluator.py',
      'config.yaml',
      'cognition.yaml',
      'prompts/researcher.jinja2',
      'prompts/analyzer.jinja2',
    ]) {
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
    expect(existsSync(join(dir, 'evaluator.test.ts'))).toBe(false);
    const { nodes } = await runWithoutModel(dir, 2);
    expect(nodes[0]!.score).toBeCloseTo(circleSeed, 6);
  });

  it('init --template with an unknown name exits 2 and lists the templates', async () => {
    const dir = join(makeTempDir(), 'nothing');
    const init = await runCli(['init', dir, '--template', 'nope'], { env: cliEnv() });
    expect(init.code).toBe(2);
    expect(init.stderr).toContain("unknown template 'nope'; available: ");
    for (const name of ['bin-packing', 'circle-packing', 'circle-packing-py']) expect(init.stderr).toContain(name);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('examples/bin-packing', () => {
  it('runs 3 rounds without any LLM from the seed score its README states', async () => {
    expect(readExample('bin-packing', 'README.md')).toContain('−4.1212');
    const dir = copyExample('bin-packing');
    const { nodes } = await runWithoutModel(dir, 3);
    expect(nodes[0]!.score).toBeCloseTo(binSeed, 4);
    expect(JSON.parse(stepFile(dir, 0, 'results.json'))).toMatchObject({
      best_fit_excess_percent: 4.1212,
      first_fit_excess_percent: 4.4399,
    });
  });

  it('takes diff edits from an LLM: a heuristic that avoids small gaps beats best fit, one that throws fails with the reason', async () => {
    const { server, calls } = await startFakeLlm((request) => {
      if (request.role === 'analyzer') return analysisAnswer('Avoiding small gaps pays; tune the limit next.');
      if (request.round === 1) {
        return diffAnswer('avoid-small-gaps', 'Put placements that leave a gap of 1-20 last.', [
          [
            '  const smallGapLimit = 0.9; // a non-zero gap at or below this size counts as "small"',
            '  const smallGapLimit = 20;',
          ],
          [
            '  const smallGapPenalty = 5.0; // priority lost for leaving a small gap',
            '  const smallGapPenalty = 1000;',
          ],
        ]);
      }
      return diffAnswer('refuse-large-items', 'Refuse items above 60 to see what breaks.', [
        [
          '  return bins.map((remaining) => {',
          "  if (item > 60) throw new RangeError('too big');\n  return bins.map((remaining) => {",
        ],
      ]);
    });
    const dir = copyExample('bin-packing');
    const run = await runCli(['run', dir, '--steps', '2', '--config', llmConfig(server.url)]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    const { nodes } = readStored(dir);
    expect(nodes.map((node) => [node.id, node.operator, node.success])).toEqual([
      [0, 'seed', true],
      [1, 'llm', true],
      [2, 'llm', false],
    ]);
    const researcherCalls = calls.filter((request) => request.role === 'researcher');
    expect(researcherCalls.map((request) => [request.diffMode, request.turn])).toEqual([
      [true, 1],
      [true, 1],
    ]);
    expect(nodes[1]!.program).toContain('const smallGapPenalty = 1000;');
    expect(nodes[1]!.score!).toBeGreaterThan(binSeed + 1); // 3.00 % excess against best fit's 4.12 %
    expect(nodes[1]!.results.improvement_over_best_fit as number).toBeGreaterThan(1);
    expect(nodes[2]!.score ?? binSeed).toBeLessThanOrEqual(binSeed);
    expect(nodes[2]!.error).toMatch(/priority\(\d+, \[.*\]\) for item \d+ of instance 0 threw RangeError: too big/);
    for (const step of [1, 2]) {
      expect(readdirSync(join(dir, 'steps', `step_${step}`, 'llm')).sort()).toEqual([
        '01-researcher.json',
        '02-analyzer.json',
      ]);
    }
    expect(readFileSync(join(dir, 'best', 'code'), 'utf8')).toBe(nodes[1]!.program);
  });
});
