import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  analysisAnswer,
  fakeApi,
  makeExperiment,
  makeTempDir,
  readStored,
  rewriteAnswer,
  runCli,
  startFakeLlm,
  useE2eCleanup,
  type LlmRequest,
} from './helpers.js';
import { requires } from '../../src/test-support/requires.js';

useE2eCleanup();

function answer(request: LlmRequest) {
  if (request.role === 'analyzer') return analysisAnswer(`Round ${request.round} analysed.`);
  return rewriteAnswer(`idea-${request.round}`, 'Try another value.', `score = ${request.round}\n`);
}

const llmConfig = (url: string, extra: Record<string, unknown> = {}) => ({
  api: fakeApi(url),
  pipeline: { researcher: { diff_based_evolution: false }, ...extra },
});

/** A Node evaluator that loads a helper module the experiment does not have. */
const brokenNodeEvaluator = {
  evalScript: '#!/usr/bin/env bash\nnode "$ASI_EXPERIMENT_DIR/evaluate.js" "$1"\n',
  files: { 'evaluate.js': "const score = require('./scorers.js');\nscore(process.argv[2]);\n" },
};

describe('the seed is the pre-flight', () => {
  it('a broken evaluator stops the run at the seed with its real error, before any LLM call', async () => {
    const { server, calls } = await startFakeLlm(answer);
    const dir = makeExperiment({
      initialProgram: 'score = 1\n',
      ...brokenNodeEvaluator,
      config: llmConfig(server.url),
    });

    const run = await runCli(['run', dir, '--steps', '3']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "the seed (the experiment's initial program) failed its evaluation, so the run stops before any LLM call",
    );
    expect(run.stderr).toMatch(/exit-code: exited with code 1: Error: Cannot find module '.*scorers\.js'/);
    expect(run.stderr).toContain('evaluator stderr (last');
    expect(run.stderr).toContain('--allow-failing-seed');
    expect(run.stderr).not.toMatch(/\n\s+at Object\.<anonymous> \(.*dist/); // no stack of ours
    expect(calls).toHaveLength(0);
    expect(server.requests).toHaveLength(0);
    expect(readStored(dir).nodes).toEqual([]);
    expect(existsSync(join(dir, 'steps', 'step_0', 'stderr.log'))).toBe(true);
  });

  it('shows the error field of results.json as the reason', async () => {
    const evalScript = `#!/usr/bin/env bash\nprintf '{"success": false, "error": "need 16 points, got 3"}' > results.json\n`;
    const dir = makeExperiment({ initialProgram: 'score = 1\n', evalScript });
    const run = await runCli(['run', dir, '--steps', '1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'so the run stops before any LLM call: unsuccessful: need 16 points, got 3 (error in ',
    );
  });

  it('names a path hidden by the sandbox and the key that shows it', requires('bubblewrap'), async () => {
    const shared = join(makeTempDir('asi-shared-'), 'data');
    mkdirSync(shared);
    writeFileSync(join(shared, 'points.txt'), '16\n');
    const evalScript = `#!/usr/bin/env bash\nset -e\nn=$(cat '${shared}/points.txt')\nprintf '{"eval_score": %s}' "$n" > results.json\n`;
    const dir = makeExperiment({
      initialProgram: 'score = 1\n',
      evalScript,
      config: { evaluator: { sandbox: { mode: 'bubblewrap' } } },
    });

    const run = await runCli(['run', dir, '--steps', '1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `${shared}/points.txt exists on this machine but is outside the sandbox's view (bubblewrap): add "${shared}" to evaluator.sandbox.read_paths`,
    );

    writeFileSync(
      join(dir, 'config.yaml'),
      `evaluator:\n  sandbox:\n    mode: bubblewrap\n    read_paths: ["${shared}"]\n`,
    );
    const fixed = await runCli(['run', dir, '--steps', '0']);
    expect(fixed.stderr).toBe('');
    expect(fixed.code).toBe(0);
    expect(readStored(dir).nodes[0]).toMatchObject({ step: 0, success: true, score: 16 });
  });

  it('--allow-failing-seed goes on with a failing seed and the model writes the programs', async () => {
    const { server, calls } = await startFakeLlm(answer);
    const dir = makeExperiment({
      initialProgram: 'score = 1\nbroken\n',
      evalScript: `#!/usr/bin/env bash\nif grep -q broken "$1"; then echo "Traceback (most recent call last):" >&2; echo "ValueError: broken program" >&2; exit 1; fi\nscore=$(sed -n 's/^score *= *//p' "$1")\nprintf '{"eval_score": %s}' "$score" > results.json\n`,
      config: llmConfig(server.url),
    });
    const run = await runCli(['run', dir, '--steps', '2', '--allow-failing-seed']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const nodes = readStored(dir).nodes;
    expect(nodes.map((node) => [node.step, node.success])).toEqual([
      [0, false],
      [1, true],
      [2, true],
    ]);
    expect(nodes[0]!.error).toBe('exit-code: exited with code 1: ValueError: broken program');
    expect(calls.length).toBeGreaterThan(0);
  });
});

describe('the documented default of evaluator.command', () => {
  it('runs when written out in config.yaml', async () => {
    const dir = makeExperiment({
      initialProgram: 'score = 4\n',
      config: { evaluator: { command: 'bash "$ASI_EXPERIMENT_DIR/eval.sh" "$@"' } },
    });
    const run = await runCli(['run', dir, '--steps', '0']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(readStored(dir).nodes[0]).toMatchObject({ success: true, score: 4 });
  });
});

describe('re-evaluation fits the evaluator', () => {
  it('an evaluator that finds the experiment as the grandparent of its folder reproduces its bests', async () => {
    // As the reference tool's eval.sh does: the experiment is two levels above the step folder.
    const evalScript =
      '#!/usr/bin/env bash\nset -e\nexperiment="$(cd ../.. && pwd)"\npython3 "$experiment/evaluator.py" "$1"\n';
    const evaluator = [
      'import json, re, sys',
      'value = float(re.search(r"x = ([-0-9.eE+]+)", open(sys.argv[1]).read()).group(1))',
      // Any change of x scores above the seed, so the first round is a new best.
      'json.dump({"eval_score": abs(value - 1)}, open("results.json", "w"))',
      '',
    ].join('\n');
    const dir = makeExperiment({ initialProgram: 'x = 1.0\n', evalScript, files: { 'evaluator.py': evaluator } });

    const run = await runCli(['run', dir, '--steps', '4']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const nodes = readStored(dir).nodes;
    expect(nodes).toHaveLength(5);
    expect(nodes.filter((node) => node.error?.startsWith('unreproducible'))).toEqual([]);
    const reproduced = nodes.filter((node) => node.metadata.reproduction !== undefined);
    expect(reproduced.length).toBeGreaterThan(0);
    for (const node of reproduced) {
      expect(node.metadata.reproduction).toMatchObject({ reproduced: true });
      expect(existsSync(join(dir, 'steps', `step_${node.step}-reproduce-1`, 'results.json'))).toBe(true);
    }
    expect(nodes[0]!.metadata).toMatchObject({ seedRepeat: { spread: 0 } });
  });

  it('a stochastic evaluator is recognised at the seed and the run goes to the end', async () => {
    const evaluator = [
      'import json, random, re, sys',
      'value = float(re.search(r"x = ([-0-9.eE+]+)", open(sys.argv[1]).read()).group(1))',
      'json.dump({"eval_score": 10 - (value - 3) ** 2 + random.gauss(0, 0.05)}, open("results.json", "w"))',
      '',
    ].join('\n');
    const evalScript = '#!/usr/bin/env bash\npython3 "$ASI_EXPERIMENT_DIR/evaluator.py" "$1"\n';
    const dir = makeExperiment({ initialProgram: 'x = 1.0\n', evalScript, files: { 'evaluator.py': evaluator } });

    const run = await runCli(['run', dir, '--steps', '5']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /The evaluator is stochastic: the seed scored \S+ and then \S+ \(a spread of [\d.e-]+ %\); a new best must reproduce within/,
    );
    expect(run.stdout).toContain('Run done: 5/5 rounds');
    const seed = readStored(dir).nodes[0]!;
    const repeat = seed.metadata.seedRepeat as { spread: number };
    expect(repeat.spread).toBeGreaterThan(0);
  });
});
