import { spawnSync } from 'node:child_process';
import { readdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeExperiment, runCli, useE2eCleanup } from '../e2e/helpers.js';
import { runMeasured } from './measure.js';

useE2eCleanup();

const createdByTheTest = ['config.yaml', 'eval.sh', 'input.md'];

describe('config files that would exhaust memory or hang are refused at once, in little memory', () => {
  it.each([
    ['/dev/zero', 'not a regular file'],
    ['/dev/urandom', 'not a regular file'],
  ])('config.yaml linked to %s', async (target, message) => {
    const dir = makeExperiment();
    symlinkSync(target, join(dir, 'config.yaml'));
    const run = await runMeasured(['run', dir, '--steps', '1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${join(dir, 'config.yaml')}: (top level): is ${message}`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.peakMb).toBeLessThan(500);
    expect(readdirSync(dir).sort()).toEqual(createdByTheTest);
  });

  it('a FIFO, a 50 MB file and an alias bomb', async () => {
    const dir = makeExperiment();
    const config = join(dir, 'config.yaml');
    expect(spawnSync('mkfifo', [config]).status).toBe(0);
    const fifo = await runMeasured(['run', dir, '--steps', '1']);
    expect(fifo.stderr).toContain('is not a regular file');
    expect(fifo.code).toBe(2);

    spawnSync('rm', [config]);
    writeFileSync(config, 'run:\n  steps: 1\n');
    truncateSync(config, 50 * 1024 * 1024);
    const big = await runMeasured(['run', dir]);
    expect(big.code).toBe(2);
    expect(big.stderr).toContain(`is ${50 * 1024 * 1024} bytes; it may be at most 1 MiB`);
    expect(big.peakMb).toBeLessThan(500);

    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level < 9; level++) {
      const name = String.fromCharCode(97 + level);
      levels.push(
        `${name}: &${name} [${Array(10)
          .fill(`*${String.fromCharCode(96 + level)}`)
          .join(', ')}]`,
      );
    }
    writeFileSync(config, `${levels.join('\n')}\n`);
    const bomb = await runMeasured(['run', dir, '--steps', '1']);
    expect(bomb.code).toBe(2);
    expect(bomb.stderr).toContain('YAML aliases expand to too many values');
    expect(bomb.stderr).not.toContain('Internal error');
    expect(bomb.peakMb).toBeLessThan(500);
    expect(readdirSync(dir).sort()).toEqual(createdByTheTest);
  });

  it('a huge worker count is refused before anything is created', async () => {
    const dir = makeExperiment({ config: { pipeline: { parallel: { num_workers: 100_000_000 } } } });
    const run = await runCli(['run', dir, '--steps', '1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${join(dir, 'config.yaml')}: pipeline.parallel.num_workers: at most 256 workers`);
    const flag = await runCli(['run', dir, '--steps', '1', '--workers', '100000000']);
    expect(flag.stderr).toContain('command line: pipeline.parallel.num_workers: at most 256 workers');
    expect(readdirSync(dir).sort()).toEqual(createdByTheTest);
  });
});

describe('config mistakes are all found before anything is created', () => {
  it('program_file ../x, bytes that are not UTF-8, ${X, __proto__ and a base_url that is not a URL', async () => {
    const dir = makeExperiment({
      config: 'evaluator:\n  program_file: ../x\napi:\n  base_url: not a url\n  model: ${MODEL\n',
    });
    const run = await runCli(['run', dir, '--steps', '1']);
    expect(run.code).toBe(2);
    const file = join(dir, 'config.yaml');
    expect(run.stderr).toContain(`${file}: evaluator.program_file: expected a file name inside the step folder`);
    expect(run.stderr).toContain(`${file}: api.base_url: expected an http:// or https:// URL`);
    expect(run.stderr).toContain(`${file}: api.model: \`\${MODEL\` is not closed`);
    expect(readdirSync(dir).sort()).toEqual(createdByTheTest);

    writeFileSync(file, Buffer.concat([Buffer.from('run:\n  steps: 1 # caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    const latin1 = await runCli(['run', dir]);
    expect(latin1.stderr).toContain(`${file}: (top level): line 2 has bytes that are not UTF-8`);
    writeFileSync(file, '__proto__:\n  run: {steps: 1}\n');
    const proto = await runCli(['run', dir]);
    expect(proto.stderr).toContain(`${file}: __proto__: the key __proto__ is not allowed`);
    for (const result of [latin1, proto]) {
      expect(result.code).toBe(2);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expect(readdirSync(dir).sort()).toEqual(createdByTheTest);
  });
});
