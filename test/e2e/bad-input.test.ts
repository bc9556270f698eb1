import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  killMatching,
  makeExperiment,
  makeTempDir,
  processesMatching,
  readStored,
  runCli,
  stepFile,
  useE2eCleanup,
} from './helpers.js';

useE2eCleanup();

/** An evaluator that misbehaves in a different way in each step folder. */
function misbehavingEvaluator(marker: string): string {
  return `#!/usr/bin/env bash
set -u
ok() { printf '{"eval_score": %s, "success": true}\\n' "$1" > results.json; }
# A new best is re-run beside its step folder, in step_N-reproduce-1: the same case.
case "$(basename "$PWD")" in
  step_1) echo "about to fail" >&2; exit 3 ;;
  step_2) echo "forgot to write the results" ;;
  step_3) printf '{"eval_score": 1.0, "success": tru' > results.json ;;
  step_4*) head -c 5000000 /dev/zero | tr '\\0' 'x'; echo; echo "the end of the output"; ok 2 ;;
  step_5*) (exec -a ${marker} sleep 1000) & (exec -a ${marker} sleep 1000) & ok 3 ;;
  step_6) exec -a ${marker} sleep 1000 ;;
  step_7) printf '{"eval_score": 0, "success": false, "error": "constraint violated"}\\n' > results.json ;;
  *) ok 1 ;;
esac
`;
}

describe('bad input to a whole run', () => {
  it('a missing input.md is a usage error that names the file', async () => {
    const dir = makeExperiment({ input: null });
    const run = await runCli(['run', dir, '--steps', '1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`missing ${join(dir, 'input.md')}`);
    expect(run.stderr).toContain('hint: Write the task in input.md');
    expect(readdirSync(dir).sort()).toEqual(['eval.sh']);
  });

  it('a missing eval.sh without evaluator.command names the file and the key to set', async () => {
    const dir = makeExperiment({ evalScript: null });
    const run = await runCli(['run', dir, '--steps', '1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(join(dir, 'eval.sh'));
    expect(run.stderr).toContain('evaluator.command');
    expect(run.stderr).toContain('hint:');
    expect(readdirSync(dir).sort()).toEqual(['input.md']);
  });

  it('a misspelt config key stops the run before anything is created, naming the file and the key', async () => {
    const dir = makeExperiment({
      initialProgram: 'score = 1\n',
      config: { pipeline: { sample_m: 2 }, run: { steps: 2 } },
    });
    const run = await runCli(['run', dir]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`${join(dir, 'config.yaml')}: pipeline.sample_m: unknown key`);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack
    expect(readdirSync(dir).sort()).toEqual(['config.yaml', 'eval.sh', 'initial_program', 'input.md']);
  });

  it('a model with no API key for a remote endpoint is a config error that names the variable and creates nothing', async () => {
    const dir = makeExperiment({ config: { api: { model: 'gpt-x', base_url: 'https://api.example.invalid/v1' } } });
    const run = await runCli(['run', dir, '--steps', '1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('No API key for https://api.example.invalid/v1');
    expect(run.stderr).toContain('OPENAI_API_KEY');
    expect(readdirSync(dir).sort()).toEqual(['config.yaml', 'eval.sh', 'input.md']);
  });

  it('a folder that does not exist and a bad flag value are usage errors', async () => {
    const missing = join(makeTempDir(), 'nowhere');
    const run = await runCli(['run', missing]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`experiment folder not found: ${missing}`);

    const dir = makeExperiment();
    const badFlag = await runCli(['run', dir, '--steps', 'many']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('--steps');
    expect(readdirSync(dir).sort()).toEqual(['eval.sh', 'input.md']);
  });

  it('evaluators that fail in every way give failed nodes with their reasons, leave no process behind, and the run goes on', async () => {
    const marker = `asi-e2e-sleeper-${process.pid}-${Math.random().toString(36).slice(2)}`;
    const config = { evaluator: { timeout: 2, kill_grace: 0.5, max_output_bytes: 100_000 }, run: { steps: 8 } };
    const dir = makeExperiment({
      initialProgram: 'score = 1.5\nsize = 2.0\n',
      evalScript: misbehavingEvaluator(marker),
      config,
    });
    try {
      const run = await runCli(['run', dir]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Run done: 8/8 rounds');
      // Neither the children an evaluator left behind nor the one that never returned survive.
      expect(processesMatching(marker)).toEqual([]);

      const { nodes } = readStored(dir);
      expect(nodes.map((node) => node.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      const outcome = (id: number) => {
        const node = nodes[id]!;
        return {
          success: node.success,
          reason: (node.metadata.failure as { reason?: string } | undefined)?.reason ?? null,
        };
      };
      expect([1, 2, 3, 4, 5, 6, 7, 8].map(outcome)).toEqual([
        { success: false, reason: 'exit-code' },
        { success: false, reason: 'bad-results' },
        { success: false, reason: 'bad-results' },
        { success: true, reason: null },
        { success: true, reason: null },
        { success: false, reason: 'timeout' },
        { success: false, reason: 'unsuccessful' },
        { success: true, reason: null },
      ]);
      expect(nodes[1]!.error).toMatch(/^exit-code: exited with code 3/);
      expect(stepFile(dir, 1, 'stderr.log')).toContain('about to fail');
      expect(nodes[2]!.error).toContain('no results file was written');
      expect(nodes[3]!.error).toContain('not valid JSON');
      expect(nodes[6]!.error).toMatch(/^timeout: timed out after 2 ?s/);
      expect(nodes[7]!.error).toMatch(/^unsuccessful: /);
      expect(nodes[7]!.results).toMatchObject({ error: 'constraint violated' });
      // Every failed node has a stored analysis that states the failure.
      for (const id of [1, 2, 3, 6, 7]) expect(nodes[id]!.analysis.length).toBeGreaterThan(0);

      // 5 MB of output: the node succeeds and only the tail is kept, with a note.
      expect(nodes[4]!.score).toBe(2);
      const stdoutLog = join(dir, 'steps', 'step_4', 'stdout.log');
      expect(statSync(stdoutLog).size).toBeLessThanOrEqual(100_000 + 200);
      expect(stepFile(dir, 4, 'stdout.log')).toMatch(/earlier bytes were dropped[\s\S]*the end of the output\n$/);
      expect(nodes[5]!.score).toBe(3);

      const status = await runCli(['status', dir]);
      expect(status.code).toBe(0);
      expect(status.stdout).toContain('Rounds stored: 8 (3 succeeded, 5 failed)');
      expect(status.stdout).toContain('Failures by reason: exit-code 1, bad-results 2, timeout 1, unsuccessful 1');

      // Bad input on an experiment that already ran loses nothing that was stored.
      writeFileSync(join(dir, 'config.yaml'), stringify({ ...config, evaluater: { timeout: 2 } }));
      const misspelt = await runCli(['run', dir, '--steps', '10']);
      expect(misspelt.code).toBe(2);
      expect(misspelt.stderr).toContain('evaluater: unknown key');
      writeFileSync(join(dir, 'config.yaml'), stringify(config));
      rmSync(join(dir, 'eval.sh'));
      const noEvaluator = await runCli(['run', dir, '--steps', '10']);
      expect(noEvaluator.code).toBe(2);
      const after = readStored(dir).nodes;
      expect(after).toEqual(nodes);
      expect(stepFile(dir, 8, 'code')).toBe(nodes[8]!.program);
    } finally {
      killMatching(marker);
    }
  });
});
