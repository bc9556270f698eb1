import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bubblewrapOffVariable } from '../../src/evaluation/capabilities.js';
import { survivorsOf, uniqueSleepSeconds } from '../../src/evaluation/test-support/scratch.js';
import { missingComponent } from '../../src/test-support/requires.js';
import { cliEnv, copyExample, filesUnder, makeExperiment, readStored, runCli, useE2eCleanup } from '../e2e/helpers.js';

useE2eCleanup();

describe('whole runs of the CLI under the default sandbox', () => {
  it('runs the demo with a quick stage and a full stage, and states the active protections', async () => {
    const dir = copyExample('circle-packing');
    const config = [
      readFileSync(join(dir, 'config.yaml'), 'utf8').replace(/^evaluator:\n {2}program_file: program.js\n/m, ''),
      'evaluator:',
      '  program_file: program.js',
      '  stages:',
      '    - { name: quick, command: \'CIRCLE_PACKING_TIMEOUT_S=2 bash "$ASI_EXPERIMENT_DIR/eval.sh" "$1"\', timeout: 10, threshold: 0.5 }',
      '    - { name: full, command: \'bash "$ASI_EXPERIMENT_DIR/eval.sh" "$1"\' }',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'config.yaml'), config);
    const run = await runCli(['run', dir, '--steps', '4']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // CI runs this suite again with bubblewrap forced off, and a fresh machine may lack it: the
    // fallback says what it lacks.
    if (process.env[bubblewrapOffVariable] === '1') {
      expect(run.stdout).toMatch(
        /Sandbox: unshare \(own PID namespace.*own mount namespace: every folder read-only but the step folder.*no network.*\)\. Not active: a filesystem view \(bubblewrap forced off/,
      );
    } else if (missingComponent('bubblewrap') !== null) {
      expect(run.stdout).toMatch(/Sandbox: .*Not active: .*a filesystem view \(bubblewrap not installed/);
    } else {
      expect(run.stdout).toMatch(/Sandbox: bubblewrap \(own PID namespace.*no network.*\)\. Not active: nothing\./);
    }
    expect(run.stdout).toContain('Evaluation stages: quick (threshold 0.5) → full.');
    const { nodes } = readStored(dir);
    expect(nodes[0]).toMatchObject({ success: true, score: 0.9597642169962064 });
    for (const node of nodes.filter((each) => each.success)) {
      expect(node.results.evaluation_stages).toMatchObject({ quick: { status: 'passed' }, full: { status: 'passed' } });
    }
  });

  it('a hostile run goes on: a daemon, a key search and writes outside the folder leave no trace', async () => {
    const marker = uniqueSleepSeconds();
    const canary = `sk-cli-canary-${process.pid}`;
    const hostile = [
      `setsid nohup sleep ${marker} >/dev/null 2>&1 &`,
      'env; cat /proc/*/environ 2>/dev/null | tr "\\0" "\\n"',
      'cat "$ASI_EXPERIMENT_DIR/config.yaml" "$ASI_EXPERIMENT_DIR/asi-evolve.db" 2>/dev/null | head -c 2000',
      'echo hacked > "$ASI_EXPERIMENT_DIR/input.md"',
      'score = 1',
    ].join('\n');
    const evalScript = `#!/usr/bin/env bash\nbash "$1" 2>&1 | grep -v "^score" || true\nprintf '{"eval_score": 1}' > results.json\n`;
    const dir = makeExperiment({
      initialProgram: `${hostile}\n`,
      evalScript,
      config: `api:\n  api_key: ${canary}\nevaluator:\n  timeout: 3\n`,
    });
    const run = await runCli(['run', dir, '--steps', '2'], { env: cliEnv({ OPENAI_API_KEY: canary }) });
    expect(run.code).toBe(0);
    expect(readStored(dir).nodes).toHaveLength(3);
    expect(await survivorsOf(marker)).toEqual([]);
    expect(readFileSync(join(dir, 'input.md'), 'utf8')).not.toContain('hacked');
    for (const file of filesUnder(join(dir, 'steps'))) expect(readFileSync(file, 'utf8'), file).not.toContain(canary);
  });
});
