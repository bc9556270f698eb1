import { describe, expect, it } from 'vitest';
import { makeExperiment, readStored, startCli, useE2eCleanup } from './helpers.js';

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
