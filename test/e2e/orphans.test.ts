import { describe, expect, it } from 'vitest';
import { requires } from '../../src/test-support/requires.js';
import { cliEnv, makeExperiment, processesMatching, startCli, useE2eCleanup, waitFor } from './helpers.js';

useE2eCleanup();

/**
 * A coordinator killed with SIGKILL cannot stop its evaluations itself; the namespace sandboxes
 * must take them down with it (bubblewrap: --die-with-parent; unshare: a parent-death signal on
 * unshare, whose --kill-child then ends the namespace).
 */
describe('an evaluation does not outlive a SIGKILLed run', () => {
  for (const mode of ['bubblewrap', 'unshare'] as const) {
    it(
      `under ${mode}, the evaluator and its children die with the run`,
      { ...(mode === 'bubblewrap' ? requires('bubblewrap') : {}), timeout: 60_000 },
      async () => {
        const marker = `asi-e2e-orphan-${mode}-${process.pid}-${Math.random().toString(36).slice(2)}`;
        const dir = makeExperiment({
          initialProgram: 'x = 1\n',
          // A child that daemonises and a plain child, both far longer than the test.
          evalScript: `#!/usr/bin/env bash\nsetsid bash -c 'exec -a ${marker} sleep 120' &\n(exec -a ${marker} sleep 120)\n`,
          config: { evaluator: { timeout: 300, sandbox: { mode }, reproduce: { count: 0 } }, run: { steps: 1 } },
        });
        const run = startCli(['run', dir], { env: cliEnv({}) });
        await waitFor(() => processesMatching(marker).length >= 2, 'both evaluator children running', 30_000);
        run.child.kill('SIGKILL');
        expect((await run.done).signal).toBe('SIGKILL');
        await waitFor(() => processesMatching(marker).length === 0, 'the evaluation to die with the run', 10_000);
      },
    );
  }
});
