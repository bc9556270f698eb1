import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeExperiment, runCli, useE2eCleanup } from './helpers.js';

useE2eCleanup();

describe('commands that call no model need no API key', () => {
  it('cognition import, list, status, best and a dry run work while the key of config.yaml is unset; a run still asks for it', async () => {
    // As the reference tool's config.yaml writes it; the test environment has no OPENAI_API_KEY.
    const config =
      'api:\n  model: gpt-x\n  base_url: https://api.example.invalid/v1\n  api_key: ${OPENAI_API_KEY}\nlogging:\n  wandb:\n    enabled: true\n';
    const dir = makeExperiment({
      initialProgram: 'score = 1\n',
      config,
      files: { 'items.yaml': '- title: lattice\n  content: Start from a hexagonal lattice.\n' },
    });

    const imported = await runCli(['cognition', 'import', dir, join(dir, 'items.yaml')]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('Imported 1 items');
    for (const args of [
      ['cognition', 'list', dir],
      ['status', dir],
      ['run', dir, '--dry-run'],
    ]) {
      const result = await runCli(args);
      expect({ args, stderr: result.stderr, code: result.code }).toEqual({ args, stderr: '', code: 0 });
    }
    // A key accepted only for compatibility is named at the start, with why it does nothing.
    const dryRun = await runCli(['run', dir, '--dry-run']);
    expect(dryRun.stdout).toContain(
      'Accepted for compatibility, with no effect here: logging.wandb (runs are not logged to Weights & Biases',
    );
    const best = await runCli(['best', dir]);
    expect(best.stderr).toBe('');
    expect(best.stdout).toContain('No successful node yet');

    const run = await runCli(['run', dir, '--steps', '1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('variable OPENAI_API_KEY is not set');
  });

  it('run --builtin uses the built-in operator whatever models and roles the config names, with no key', async () => {
    // An ensemble as an imported OpenEvolve config writes it: two models, the Researcher on both.
    const config = [
      'api:',
      '  model: gpt-x',
      '  base_url: https://api.example.invalid/v1',
      '  api_key: ${OPENAI_API_KEY}',
      'models:',
      '  second:',
      '    model: gpt-y',
      '    base_url: https://other.example.invalid/v1',
      '    api_key: ${SECOND_API_KEY}',
      'roles:',
      '  researcher: [{ model: main, weight: 0.5 }, { model: second, weight: 0.5 }]',
      '  analyzer: second',
      '',
    ].join('\n');
    const dir = makeExperiment({ initialProgram: 'score = 1.5\n', config });
    const refused = await runCli(['run', dir, '--steps', '2']);
    expect(refused.code).toBe(2);

    const run = await runCli(['run', dir, '--steps', '3', '--builtin']);
    expect({ stderr: run.stderr, code: run.code }).toEqual({ stderr: '', code: 0 });
    expect(run.stdout).toContain('BUILT-IN NO-MODEL OPERATOR');
    expect(run.stdout).toContain('Run done: 3/3 rounds');
    const status = await runCli(['status', dir, '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ rounds: { stored: 3, succeeded: 3 }, llm: { calls: 0 } });
  });
});
