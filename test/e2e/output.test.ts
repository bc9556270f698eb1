import { describe, expect, it } from 'vitest';
import { makeExperiment, readStored, runCli, startCli, useE2eCleanup } from './helpers.js';

useE2eCleanup();

describe('the terminal going away', () => {
  it('a reader that closes stdout (`run | head -1`) neither crashes nor stops the run', async () => {
    const dir = makeExperiment({ initialProgram: 'score = 1.0\nwidth = 2.5\n' });
    const run = startCli(['run', dir, '--steps', '6']);
    await new Promise<void>((resolve) => run.child.stdout!.once('data', () => resolve()));
    run.child.stdout!.destroy(); // later writes get EPIPE
    const result = await run.done;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { nodes } = readStored(dir);
    expect(nodes.map((node) => node.id)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});

describe('a target below what is stored', () => {
  it('`run --steps 3` with 5 rounds stored says there is nothing to run and never counts above the target', async () => {
    const dir = makeExperiment({ initialProgram: 'score = 1.0\nwidth = 2.5\n' });
    expect((await runCli(['run', dir, '--steps', '5'])).code).toBe(0);
    const again = await runCli(['run', dir, '--steps', '3']);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('5 rounds stored, target 3: nothing to run (raise --steps to run more).');
    expect(again.stdout).toMatch(/Run done: 3\/3 rounds, best /);
    expect(again.stdout).not.toMatch(/\b[4-9]\/3\b/);
    expect(readStored(dir).nodes.map((node) => node.id)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
