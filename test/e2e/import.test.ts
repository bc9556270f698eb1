import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  analysisAnswer,
  makeExperiment,
  readCognition,
  diffAnswer,
  fakeApi,
  makeTempDir,
  readStored,
  repoRoot,
  rewriteAnswer,
  runCli,
  startFakeLlm,
  useE2eCleanup,
  type LlmRequest,
} from './helpers.js';
import type { NodeRecord } from '../../src/store/index.js';
import type { FakeReply } from '../../src/llm/test-support/fake-openai-server.js';

useE2eCleanup();

const fixtures = join(repoRoot, 'src', 'importers', 'fixtures');
/** Stand-ins for the source tools' installed Python packages, so that their evaluators run by hand. */
const pythonPackages = join(fixtures, 'python-packages');

/** Runs a Python snippet in `cwd` with the stand-in packages importable; returns its last stdout line as JSON. */
function python(cwd: string, code: string): unknown {
  const result = spawnSync('python3', ['-c', code], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: pythonPackages },
  });
  if (result.status !== 0) throw new Error(`python3 failed (${result.status}): ${result.stderr}`);
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? 'null');
}

/** The OpenEvolve fixture's own evaluate(), run by hand on a program, as its combined_score. */
function openEvolveScoreByHand(program: string): number {
  const path = join(makeTempDir('asi-by-hand-'), 'candidate.py');
  writeFileSync(path, program);
  const code = `import json, evaluator\nresult = evaluator.evaluate(${JSON.stringify(path)})\nmetrics = result.metrics if hasattr(result, "metrics") else result\nprint(json.dumps(metrics["combined_score"]))`;
  return python(join(fixtures, 'openevolve-example'), code) as number;
}

/** The ShinkaEvolve fixture's own main(), run by hand on a program, as the combined_score of its metrics.json. */
function shinkaScoreByHand(program: string): number {
  const folder = makeTempDir('asi-by-hand-');
  writeFileSync(join(folder, 'candidate.py'), program);
  const code = `import json, evaluate\nevaluate.main(${JSON.stringify(join(folder, 'candidate.py'))}, ${JSON.stringify(join(folder, 'out'))})\nprint(json.dumps(json.load(open(${JSON.stringify(join(folder, 'out', 'metrics.json'))}))["combined_score"]))`;
  return python(join(fixtures, 'shinka-task'), code) as number;
}

/** The reference fixture's own evaluator.py, run by hand on a program, as its eval_score. */
function referenceScoreByHand(program: string): number {
  const folder = makeTempDir('asi-by-hand-');
  writeFileSync(join(folder, 'code'), program);
  const code = `import json, subprocess\nsubprocess.run(["python3", "evaluator.py", ${JSON.stringify(join(folder, 'code'))}, ${JSON.stringify(join(folder, 'out.json'))}], check=True)\nprint(json.dumps(json.load(open(${JSON.stringify(join(folder, 'out.json'))}))["eval_score"]))`;
  return python(join(fixtures, 'reference-experiment'), code) as number;
}

function best(nodes: NodeRecord[]): NodeRecord {
  const scored = nodes.filter((node) => node.success && node.score !== null);
  const top = scored.reduce<NodeRecord | undefined>(
    (winner, node) => (winner === undefined || (node.score ?? 0) > (winner.score ?? 0) ? node : winner),
    undefined,
  );
  if (top === undefined) throw new Error('no successful node');
  return top;
}

/** A config layered over the imported one: the built-in no-model operator for every role. */
function builtinConfig(root: string): string {
  const path = join(root, 'builtin.yaml');
  writeFileSync(path, stringify({ api: { provider: 'builtin' }, roles: { researcher: 'main' } }));
  return path;
}

/** Researcher answers that move `<name> = …` in the EVOLVE block a quarter towards `goal`. */
function towards(name: string, goal: number): (request: LlmRequest) => FakeReply {
  return (request) => {
    if (request.role === 'analyzer')
      return analysisAnswer(`Round ${request.round}: the score changed as the metrics show.`);
    const prompt = request.messages.map((message) => message.content).join('\n');
    const found = new RegExp(`^ {4}${name} = (-?[\\d.]+)$`, 'm').exec(prompt);
    const current = Number(found?.[1] ?? '0');
    const next = (current + (goal - current) / 4).toFixed(4);
    return diffAnswer(
      `${name} ${next}`,
      `Round ${request.round}: move ${name} from ${current} to ${next}, a quarter of the way to where the metrics point.`,
      [[`    ${name} = ${found?.[1] ?? '0'}`, `    ${name} = ${next}`]],
    );
  };
}

describe('asi-evolve import: an OpenEvolve example', () => {
  it('imports, then runs 5 rounds of the built-in operator; the best score is what its evaluator gives by hand', async () => {
    const root = makeTempDir();
    const dir = join(root, 'bowl');
    const imported = await runCli(['import', join(fixtures, 'openevolve-example'), dir]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('OpenEvolve example');
    expect(imported.stdout).toMatch(/Not translated \(\d+/);
    expect(imported.stdout).toContain('early_stopping_patience');
    expect(imported.stdout).toContain('evolution_trace.enabled');
    expect(readFileSync(join(dir, 'IMPORT.md'), 'utf8')).toContain('early_stopping_patience');
    expect(readFileSync(join(dir, 'input.md'), 'utf8')).toContain('expert in numerical search');

    const run = await runCli(['run', dir, '--steps', '5', '--config', builtinConfig(root)], { timeoutMs: 120_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('Evaluation stages');
    const { nodes } = readStored(dir);
    expect(nodes.map((node) => node.step)).toEqual([0, 1, 2, 3, 4, 5]);
    const seed = nodes[0];
    expect(seed?.score).toBeCloseTo(
      openEvolveScoreByHand(readFileSync(join(fixtures, 'openevolve-example', 'initial_program.py'), 'utf8')),
      12,
    );
    const top = best(nodes);
    expect(top.score).toBeCloseTo(openEvolveScoreByHand(top.program), 12);
    expect(top.results.distance).toBeTypeOf('number');
    expect(top.results.cascade).toEqual([
      { function: 'evaluate_stage1', passed: true },
      { function: 'evaluate_stage2', passed: null },
    ]);
  }, 150_000);

  it('runs 5 rounds designed by an OpenAI-compatible LLM (scripted diffs inside the EVOLVE block)', async () => {
    const { server, calls } = await startFakeLlm(towards('x', 1.5));
    const root = makeTempDir();
    const dir = join(root, 'bowl');
    expect((await runCli(['import', join(fixtures, 'openevolve-example'), dir])).code).toBe(0);
    const override = join(root, 'fake-llm.yaml');
    writeFileSync(override, stringify({ api: fakeApi(server.url) }));

    const run = await runCli(['run', dir, '--steps', '5', '--config', override], { timeoutMs: 120_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(calls.filter((call) => call.role === 'researcher').length).toBeGreaterThanOrEqual(5);
    const { nodes } = readStored(dir);
    expect(nodes).toHaveLength(6);
    const top = best(nodes);
    expect(top.operator).toBe('llm');
    expect(top.score).toBeGreaterThan(nodes[0]?.score ?? Number.POSITIVE_INFINITY);
    expect(top.score).toBeCloseTo(openEvolveScoreByHand(top.program), 12);
    expect(existsSync(join(dir, 'steps', `step_${top.step}`, 'results.json'))).toBe(true);
  }, 150_000);
});

describe('asi-evolve init --from: a ShinkaEvolve task', () => {
  it('imports, then runs 5 rounds of the built-in operator; the best score is what its main() gives by hand', async () => {
    const root = makeTempDir();
    const dir = join(root, 'yield');
    const imported = await runCli(['init', dir, '--from', join(fixtures, 'shinka-task')]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('ShinkaEvolve task');
    expect(imported.stdout).toContain('db_config.parent_selection_strategy');
    expect(readFileSync(join(dir, 'input.md'), 'utf8')).toContain('You tune a chemical process');

    const run = await runCli(['run', dir, '--steps', '5', '--config', builtinConfig(root)], { timeoutMs: 120_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { nodes } = readStored(dir);
    expect(nodes.map((node) => node.step)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(nodes[0]?.score).toBeCloseTo(
      shinkaScoreByHand(readFileSync(join(fixtures, 'shinka-task', 'initial.py'), 'utf8')),
      12,
    );
    const top = best(nodes);
    expect(top.score).toBeCloseTo(shinkaScoreByHand(top.program), 12);
    expect(top.results.public).toMatchObject({ temperature: expect.any(Number) });
  }, 150_000);

  it('runs 5 rounds designed by an OpenAI-compatible LLM', async () => {
    const { server } = await startFakeLlm(towards('temperature', 1.2));
    const root = makeTempDir();
    const dir = join(root, 'yield');
    expect((await runCli(['import', join(fixtures, 'shinka-task'), dir])).code).toBe(0);
    const override = join(root, 'fake-llm.yaml');
    writeFileSync(override, stringify({ api: fakeApi(server.url) }));

    const run = await runCli(['run', dir, '--steps', '5', '--config', override], { timeoutMs: 120_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { nodes } = readStored(dir);
    expect(nodes).toHaveLength(6);
    const top = best(nodes);
    expect(top.operator).toBe('llm');
    expect(top.score).toBeGreaterThan(nodes[0]?.score ?? Number.POSITIVE_INFINITY);
    expect(top.score).toBeCloseTo(shinkaScoreByHand(top.program), 12);
  }, 150_000);
});

describe('asi-evolve import: a reference ASI-Evolve experiment with a stored run', () => {
  it('continues the stored run for 5 rounds of the built-in operator; the best score is what its evaluator gives by hand', async () => {
    const root = makeTempDir();
    const dir = join(root, 'blend');
    const imported = await runCli(['import', join(fixtures, 'reference-experiment'), dir]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('5 cognition items, 4 stored nodes');
    expect(imported.stdout).toContain('init_cognition.py:35');

    const run = await runCli(['run', dir, '--steps', '8', '--config', builtinConfig(root)], { timeoutMs: 120_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('5 items');
    const { nodes } = readStored(dir);
    expect(nodes.map((node) => [node.step, node.operator.startsWith('builtin') ? 'builtin' : node.operator])).toEqual([
      [0, 'seed'],
      [1, 'reference'],
      [2, 'reference'],
      [3, 'reference'],
      ...[4, 5, 6, 7, 8].map((step) => [step, 'builtin']),
    ]);
    for (const node of nodes.filter((each) => each.success))
      expect(node.score).toBeCloseTo(referenceScoreByHand(node.program), 12);
    const top = best(nodes);
    expect(top.score).toBeGreaterThanOrEqual(nodes[3]?.score ?? Number.POSITIVE_INFINITY);
  }, 150_000);

  it('continues it with an OpenAI-compatible LLM: each new best is re-evaluated by the unchanged reference eval.sh', async () => {
    const { server } = await startFakeLlm((request) => {
      if (request.role === 'analyzer') return analysisAnswer(`Round ${request.round}: c moved towards its target.`);
      const c = (0.2 + 0.1 * ((request.round ?? 4) - 3)).toFixed(1);
      return rewriteAnswer(
        `c ${c}`,
        `Round ${request.round}: keep a and b at their best values and raise c to ${c}.`,
        `def blend():\n    a = 0.7\n    b = 0.2\n    c = ${c}\n    return a, b, c\n`,
      );
    });
    const root = makeTempDir();
    const dir = join(root, 'blend');
    expect((await runCli(['import', join(fixtures, 'reference-experiment'), dir])).code).toBe(0);
    const override = join(root, 'fake-llm.yaml');
    writeFileSync(override, stringify({ api: fakeApi(server.url) }));

    const run = await runCli(['run', dir, '--steps', '8', '--config', override], { timeoutMs: 120_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { nodes } = readStored(dir);
    expect(nodes).toHaveLength(9);
    expect(nodes.slice(4).every((node) => node.success && node.operator === 'llm')).toBe(true);
    const top = best(nodes);
    expect(top.step).toBe(8);
    expect(top.score).toBeCloseTo(referenceScoreByHand(top.program), 12);
    expect(top.score).toBeCloseTo(2.8, 9);
    expect(top.metadata.reproduction).toMatchObject({ reproduced: true });
  }, 150_000);
});

describe('asi-evolve cognition import: a reference init_cognition.py', () => {
  it('imports its literal items without running Python or needing a key, and names the item it cannot read', async () => {
    const dir = makeExperiment({ config: { api: { model: 'gpt-5-mini' } } });
    const result = await runCli([
      'cognition',
      'import',
      dir,
      join(fixtures, 'reference-experiment', 'init_cognition.py'),
    ]);
    expect(result.stdout).toContain('Imported 4 items');
    expect(result.stdout).toMatch(/init_cognition\.py:35: not imported: content is an f-string/);
    expect(result.code).toBe(2);
    const { items } = readCognition(dir);
    expect(items.map((item) => item.source).sort()).toEqual([
      'Constraints',
      'Scoring',
      'Search Basics',
      'init_cognition.py',
    ]);
  });
});
