import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cliEnv,
  killMatching,
  makeExperiment,
  makeTempDir,
  processesMatching,
  readStored,
  runCli,
  startCli,
  useE2eCleanup,
  waitFor,
} from './helpers.js';

useE2eCleanup();

/**
 * Logs "start step_N" to $COUNTER_FILE. The first evaluation of step 2 ignores SIGTERM and
 * sleeps 60 s, so a first Ctrl-C waits out the whole kill grace (60 s) before the run can stop.
 */
function stubbornEvaluator(marker: string): string {
  return `#!/usr/bin/env bash
set -eu
step=$(basename "$PWD")
echo "start $step" >> "$COUNTER_FILE"
if [ "$step" = step_2 ] && [ "$(grep -c '^start step_2$' "$COUNTER_FILE")" = 1 ]; then
  trap '' TERM
  (exec -a ${marker} sleep 60)
fi
score=$(sed -n 's/^score *= *\\([-0-9.eE+]*\\).*/\\1/p' "$1" | head -n 1)
printf '{"eval_score": %s, "success": true}\\n' "\${score:-0}" > results.json
`;
}

describe('a second Ctrl-C', () => {
  it('exits with 130 at once, saying the rounds in flight are dropped; the next run redoes them and completes', async () => {
    const marker = `asi-e2e-stubborn-eval-${process.pid}-${Math.random().toString(36).slice(2)}`;
    const counter = join(makeTempDir(), 'evaluations.log');
    const dir = makeExperiment({
      initialProgram: 'score = 1.0\nbonus = 2.5\n',
      evalScript: stubbornEvaluator(marker),
      config: {
        evaluator: {
          env_allow: ['COUNTER_FILE'],
          sandbox: { mode: 'none' },
          reproduce: { count: 0 },
          kill_grace: 60,
          timeout: 120,
        },
        run: { steps: 3 },
      },
    });
    const env = cliEnv({ COUNTER_FILE: counter });
    const count = (line: string): number =>
      existsSync(counter)
        ? readFileSync(counter, 'utf8')
            .split('\n')
            .filter((entry) => entry === line).length
        : 0;
    try {
      const first = startCli(['run', dir], { env });
      await waitFor(() => processesMatching(marker).length > 0, 'step 2 to be evaluating');
      first.child.kill('SIGINT');
      await waitFor(
        () => first.stdout().includes('Interrupted: stopping the rounds in flight'),
        'the first Ctrl-C to be acknowledged',
      );
      // The evaluator ignores SIGTERM: a clean stop would wait out its 60 s grace.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(first.child.exitCode).toBeNull();

      const secondSignalAt = performance.now();
      first.child.kill('SIGINT');
      const stopped = await first.done;
      expect(performance.now() - secondSignalAt).toBeLessThan(10_000);
      expect(stopped.code).toBe(130);
      expect(stopped.stderr).toBe('');
      expect(
        stopped.stdout.match(/Stopped at once: the rounds in flight are dropped and will be redone on the next run\./g),
      ).toHaveLength(1);
      expect(stopped.stdout).not.toContain('Run interrupted');
      // The evaluation in flight went with the run, and the lock was let go.
      await waitFor(() => processesMatching(marker).length === 0, 'the stubborn evaluation to be killed', 5_000);
      expect(existsSync(join(dir, 'asi-evolve.db.lock'))).toBe(false);
      expect(readStored(dir).nodes.map((node) => node.step)).toEqual([0, 1]);

      const second = await runCli(['run', dir], { env });
      expect(second.stderr).toBe('');
      expect(second.code).toBe(0);
      expect(second.stdout).toContain('Resuming: 1/3 rounds already stored; 2 to go');
      const { nodes } = readStored(dir);
      expect(nodes.map((node) => [node.step, node.success])).toEqual([
        [0, true],
        [1, true],
        [2, true],
        [3, true],
      ]);
      expect(count('start step_2')).toBe(2);
      expect(count('start step_1')).toBe(1);
    } finally {
      killMatching(marker);
    }
  });
});
