import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cliEnv,
  makeExperiment,
  readStored,
  repoRoot,
  runCli,
  startCli,
  storedSteps,
  useE2eCleanup,
  waitFor,
} from '../e2e/helpers.js';
import { mountSmallDisk } from './small-disk.js';

useE2eCleanup();

const noStack = /\n\s+at /;

/** An evaluator that takes a moment per round, so that a test can act while the run goes on. */
const slowEvaluator = `#!/usr/bin/env bash
sleep 0.4
score=$(sed -n 's/^score *= *\\([-0-9.]*\\).*/\\1/p' "$1" | head -n 1)
printf '{"eval_score": %s}' "\${score:-0}" > results.json
`;

/** Runs the CLI as a user who may not write the experiment folder (root ignores file modes). */
function runAsReader(args: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  const command = [process.execPath, join(repoRoot, 'bin', 'asi-evolve.js'), ...args];
  const asRoot = process.getuid?.() === 0;
  const result = asRoot
    ? spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', ...command], {
        encoding: 'utf8',
        env: cliEnv(),
      })
    : spawnSync(command[0]!, command.slice(1), { encoding: 'utf8', env: cliEnv() });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('damaged or unusual experiment state ends in one clear message, and nothing stored is lost', () => {
  it('status, best and export read an experiment whose folder is read-only', async () => {
    const dir = makeExperiment({ initialProgram: 'score = 1.5\nsize = 2.0\n' });
    expect((await runCli(['run', dir, '--steps', '2'])).code).toBe(0);
    const stored = readStored(dir).nodes;
    chmodSync(dirname(dir), 0o755);
    chmodSync(dir, 0o555);
    try {
      const status = runAsReader(['status', dir]);
      expect(status.stderr).toBe('');
      expect(status.stdout).toContain('Rounds stored: 2');
      const best = runAsReader(['best', dir]);
      expect(best.code).toBe(0);
      expect(best.stdout).toContain('Best score: 1.5');
      const exported = runAsReader(['export', dir, '--format', 'json']);
      expect(exported.code).toBe(0);
      expect((JSON.parse(exported.stdout) as unknown[]).length).toBe(3);
      // A report and a run need to write: each says so in one line, with what to do.
      const report = runAsReader(['report', dir]);
      expect(report.code).toBe(2);
      expect(report.stderr).toContain(`cannot write the report ${join(dir, 'report.md')}`);
      expect(report.stderr).toContain('hint: write it elsewhere with --output FILE');
      const run = runAsReader(['run', dir, '--steps', '3']);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^asi-evolve: /);
      expect(run.stderr).not.toMatch(noStack);
      expect(run.stderr).not.toContain('Internal error');
    } finally {
      chmodSync(dir, 0o755);
    }
    expect(readStored(dir).nodes).toEqual(stored);
  });

  it('steps/ deleted while the run goes on: the run finishes and the later rounds have their files', async () => {
    // Round 2's evaluator says it started, then waits: steps/ goes while it runs, not while one is being set up.
    const evaluator = `#!/usr/bin/env bash
if [ "$(basename "$PWD")" = step_2 ]; then touch started; sleep 1.5; fi
printf '{"eval_score": 1}' > results.json
`;
    const dir = makeExperiment({ initialProgram: 'score = 1.5\nsize = 2.0\n', evalScript: evaluator });
    const run = startCli(['run', dir, '--steps', '5']);
    await waitFor(() => existsSync(join(dir, 'steps', 'step_2', 'started')), 'round 2 to start its evaluation');
    // Gone at once, as `rm -rf` would leave it once done (rm itself races the run's writes).
    renameSync(join(dir, 'steps'), join(dirname(dir), 'steps-deleted'));
    rmSync(join(dirname(dir), 'steps-deleted'), { recursive: true, force: true });
    const result = await run.done;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(readStored(dir).nodes.map((node) => node.step)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const step of [2, 5])
      expect(JSON.parse(readFileSync(join(dir, 'steps', `step_${step}`, 'node.json'), 'utf8'))).toMatchObject({
        id: step,
      });
  });

  it('step folders of an earlier run beside a new database are moved aside, and the run says so', async () => {
    const dir = makeExperiment({ initialProgram: 'score = 1.5\nsize = 2.0\n' });
    expect((await runCli(['run', dir, '--steps', '1'])).code).toBe(0);
    const oldNode = readFileSync(join(dir, 'steps', 'step_1', 'node.json'), 'utf8');
    rmSync(join(dir, 'asi-evolve.db'));
    writeFileSync(join(dir, 'asi-evolve.db'), ''); // a 0-byte database, as a failed copy leaves
    const again = await runCli(['run', dir, '--steps', '1']);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    const moved = readdirSync(dir).filter((name) => name.startsWith('steps.old-'));
    expect(moved).toHaveLength(1);
    expect(again.stdout).toContain(`held step folders of an earlier run: moved to ${join(dir, moved[0]!)}`);
    expect(readFileSync(join(dir, moved[0]!, 'step_1', 'node.json'), 'utf8')).toBe(oldNode);
    expect(readStored(dir).events.map((event) => event.message)).toContainEqual(expect.stringContaining('moved to'));
  });

  it('a damaged database is named with what to do, and is left as it was', async () => {
    const dir = makeExperiment({ initialProgram: 'score = 1.5\nsize = 2.0\n' });
    const garbage = 'this is not a database '.repeat(400);
    writeFileSync(join(dir, 'asi-evolve.db'), garbage);
    for (const args of [
      ['status', dir],
      ['run', dir, '--steps', '1'],
    ]) {
      const result = await runCli(args);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(`${join(dir, 'asi-evolve.db')} is not a readable asi-evolve database`);
      expect(result.stderr).toContain('hint: ');
      expect(result.stderr).not.toMatch(noStack);
    }
    expect(readFileSync(join(dir, 'asi-evolve.db'), 'utf8')).toBe(garbage);
  });
});

describe('a full disk', () => {
  it('stops the run cleanly with one line; the run resumes once there is space again', async (context) => {
    const disk = mountSmallDisk(8);
    if (typeof disk === 'string') {
      context.skip(disk);
      return;
    }
    try {
      const dir = join(disk.dir, 'experiment');
      mkdirSync(dir);
      writeFileSync(join(dir, 'input.md'), 'Maximise the score.\n');
      writeFileSync(join(dir, 'initial_program'), 'score = 1.5\nsize = 2.0\n');
      writeFileSync(join(dir, 'eval.sh'), slowEvaluator, { mode: 0o755 });
      const run = startCli(['run', dir, '--steps', '30']);
      await waitFor(() => storedSteps(dir).includes(2), 'round 2 to be stored');
      const filler = join(disk.dir, 'filler');
      spawnSync('sh', ['-c', `head -c 20m /dev/zero > ${filler}`]);
      const stopped = await run.done;
      expect(stopped.code).not.toBe(0);
      expect(stopped.stderr).toMatch(/^asi-evolve: .*disk is full/m);
      expect(stopped.stderr).toContain('hint: free space on that disk');
      expect(stopped.stderr).not.toMatch(noStack);
      expect(stopped.stderr).not.toContain('Internal error');
      const kept = readStored(dir).nodes;
      expect(kept.length).toBeGreaterThanOrEqual(3);
      expect(kept.every((node) => !(node.error ?? '').includes('disk'))).toBe(true);

      rmSync(filler);
      const resumed = await runCli(['run', dir, '--steps', '30'], { timeoutMs: 60_000 });
      expect(resumed.stderr).toBe('');
      expect(resumed.code).toBe(0);
      const after = readStored(dir).nodes;
      expect(after.map((node) => node.step)).toEqual(Array.from({ length: 31 }, (_, step) => step));
      expect(after.slice(0, kept.length)).toEqual(kept.map((node) => ({ ...node, visitCount: expect.any(Number) })));
      expect(existsSync(join(dir, 'steps', 'step_30', 'node.json'))).toBe(true);
    } finally {
      disk.unmount();
    }
  });
});
