import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, makeExperiment, makeTempDir, readStored, runCli, stepFile, useE2eCleanup } from './helpers.js';

useE2eCleanup();

/** Records when it ran (ms since the epoch) and where, in its own step folder and in $COUNTER_FILE. */
const timingEvaluator = `#!/usr/bin/env bash
set -eu
start=$(date +%s%3N)
sleep 0.4
score=$(sed -n 's/^score *= *\\([-0-9.eE+]*\\).*/\\1/p' "$1" | head -n 1)
printf '{"eval_score": %s, "success": true}\\n' "\${score:-0}" > results.json
end=$(date +%s%3N)
printf '%s %s %s\\n' "$start" "$end" "$PWD" > timing.txt
echo "$(basename "$PWD")" >> "$COUNTER_FILE"
`;

/** The most intervals that contain one instant. */
function maxOverlap(intervals: ReadonlyArray<readonly [number, number]>): number {
  const edges = intervals.flatMap(
    ([start, end]) =>
      [
        [start, 1],
        [end, -1],
      ] as const,
  );
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let most = 0;
  for (const [, change] of edges) {
    current += change;
    most = Math.max(most, current);
  }
  return most;
}

describe('--workers K', () => {
  it('runs K rounds at once, each evaluated in its own step folder exactly once', async () => {
    const counter = join(makeTempDir(), 'evaluations.log');
    const dir = makeExperiment({
      initialProgram: 'score = 1.0\nwidth = 3.5\n',
      evalScript: timingEvaluator,
      config: { evaluator: { env_allow: ['COUNTER_FILE'], sandbox: { mode: 'none' }, reproduce: { count: 0 } } },
    });

    const run = await runCli(['run', dir, '--steps', '6', '--workers', '3'], {
      env: cliEnv({ COUNTER_FILE: counter }),
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Starting: 6 rounds, 3 at a time.');

    const { nodes } = readStored(dir);
    expect(nodes.map((node) => node.id)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(nodes.every((node) => node.success && node.step === node.id)).toBe(true);

    // Every step folder was used by exactly one evaluation, of its own node's program.
    const evaluated = readFileSync(counter, 'utf8').trim().split('\n').sort();
    expect(evaluated).toEqual(nodes.map((node) => `step_${node.step}`).sort());
    const intervals: Array<[number, number]> = [];
    for (const node of nodes) {
      const [start, end, folder] = stepFile(dir, node.step, 'timing.txt').trim().split(' ');
      expect(folder).toBe(join(dir, 'steps', `step_${node.step}`));
      expect(stepFile(dir, node.step, 'code')).toBe(node.program);
      expect(JSON.parse(stepFile(dir, node.step, 'results.json')).eval_score).toBe(node.evalScore);
      if (node.step > 0) intervals.push([Number(start), Number(end)]);
    }

    // Rounds overlapped in time, never more than three at once.
    const overlap = maxOverlap(intervals);
    expect(overlap).toBeGreaterThanOrEqual(2);
    expect(overlap).toBeLessThanOrEqual(3);
  });
});
