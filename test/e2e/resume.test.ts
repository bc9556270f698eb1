import { existsSync, readFileSync, rmSync } from 'node:fs';
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
  stepFile,
  storedSteps,
  useE2eCleanup,
  waitFor,
} from './helpers.js';

useE2eCleanup();

/**
 * A slow evaluator (0.3 s; `seedPause` seconds for the seed's first evaluation) that logs "start step_N" and
 * "end step_N" to $COUNTER_FILE, a file outside the step folders, so that a test can count how
 * often each step was evaluated.
 */
function countingEvaluator(marker: string, seedPause: number, roundPause: number): string {
  return `#!/usr/bin/env bash
set -eu
step=$(basename "$PWD")
echo "start $step" >> "$COUNTER_FILE"
pause=${roundPause}
if [ "$step" = step_0 ] && [ "$(grep -c '^start step_0$' "$COUNTER_FILE")" = 1 ]; then pause=${seedPause}; fi
(exec -a ${marker} sleep "$pause")
score=$(sed -n 's/^score *= *\\([-0-9.eE+]*\\).*/\\1/p' "$1" | head -n 1)
printf '{"eval_score": %s, "success": true}\\n' "\${score:-0}" > results.json
echo "end $step" >> "$COUNTER_FILE"
`;
}

function setUp(steps: number, seedPause = 0.3, roundPause = 0.3) {
  const marker = `asi-e2e-slow-eval-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const counter = join(makeTempDir(), 'evaluations.log');
  const dir = makeExperiment({
    initialProgram: 'score = 1.0\nbonus = 2.5\n',
    evalScript: countingEvaluator(marker, seedPause, roundPause),
    config: {
      evaluator: { env_allow: ['COUNTER_FILE'], sandbox: { mode: 'none' }, reproduce: { count: 0 } },
      run: { steps },
    },
  });
  const env = cliEnv({ COUNTER_FILE: counter });
  const lines = (): string[] => (existsSync(counter) ? readFileSync(counter, 'utf8').trim().split('\n') : []);
  const count = (line: string): number => lines().filter((entry) => entry === line).length;
  /** Steps whose evaluation started but that are not stored: rounds in flight. */
  const inFlight = (): number[] => {
    const stored = new Set(storedSteps(dir));
    const started = lines()
      .filter((line) => line.startsWith('start step_'))
      .map((line) => Number(line.slice('start step_'.length)));
    return [...new Set(started)].filter((step) => !stored.has(step));
  };
  const rounds = (): number => storedSteps(dir).filter((step) => step >= 1).length;
  return { marker, dir, env, count, inFlight, rounds };
}

describe('stopping a run and starting it again', () => {
  it('after SIGKILL, a second run completes the requested rounds without losing, duplicating or re-running any', async () => {
    const { marker, dir, env, count, inFlight, rounds } = setUp(12);
    try {
      const first = startCli(['run', dir, '--steps', '12'], { env });
      await waitFor(() => rounds() >= 4 && inFlight().length > 0, 'round 4 stored and round 5 evaluating');
      first.child.kill('SIGKILL');
      const killed = await first.done;
      expect(killed.signal).toBe('SIGKILL');

      const storedAtKill = storedSteps(dir);
      const interrupted = inFlight();
      expect(storedAtKill.length).toBeGreaterThanOrEqual(5);
      expect(storedAtKill.length).toBeLessThan(13);
      expect(interrupted).toHaveLength(1);
      // The killed run's evaluator is in its own process group: let it end before resuming.
      await waitFor(() => processesMatching(marker).length === 0, 'the orphaned evaluation to end', 5_000);
      // Killed between two commits and their files (written after the commit, off the round's path):
      // as if the kill had come a moment earlier, the files of the two newest rounds are not there.
      // (The kill itself may have come before the newest round's files were written: those are null here.)
      const newest = storedAtKill.filter((step) => step > 0).slice(-2);
      const mirrorAt = (step: number): Array<string | null> =>
        ['node.json', 'analysis.md'].map((name) => {
          const path = join(dir, 'steps', `step_${step}`, name);
          return existsSync(path) ? readFileSync(path, 'utf8') : null;
        });
      const filesAtKill = newest.map(mirrorAt);
      for (const step of newest)
        for (const name of ['node.json', 'analysis.md'])
          rmSync(join(dir, 'steps', `step_${step}`, name), { force: true });

      const second = await runCli(['run', dir, '--steps', '12'], { env });
      expect(second.stderr).toBe('');
      expect(second.code).toBe(0);
      expect(second.stdout).toContain(`Resuming: ${storedAtKill.length - 1}/12 rounds already stored`);
      expect(second.stdout).not.toContain('[seed]');

      const { nodes } = readStored(dir);
      expect(nodes.map((node) => node.id)).toEqual(Array.from({ length: 13 }, (_, index) => index));
      expect(nodes.every((node) => node.step === node.id && node.success)).toBe(true);
      // Rounds stored before the kill are kept as they were, and were evaluated once.
      for (const step of storedAtKill) expect(count(`start step_${step}`), `step ${step}`).toBe(1);
      // The round in flight was redone; the rest ran once.
      const redone = interrupted[0]!;
      expect(count(`start step_${redone}`)).toBe(2);
      expect(count(`end step_${redone}`)).toBeGreaterThanOrEqual(1);
      for (let step = 1; step <= 12; step++) {
        if (step !== redone && !storedAtKill.includes(step))
          expect(count(`start step_${step}`), `step ${step}`).toBe(1);
        expect(stepFile(dir, step, 'code')).toBe(nodes[step]!.program);
      }
      expect(count('start step_0')).toBe(1);
      // The resumed run wrote them again from the database, the same bytes; every round's files are there.
      newest.forEach((step, index) => {
        const after = mirrorAt(step);
        (filesAtKill[index] ?? []).forEach((before, file) => {
          if (before !== null) expect(after[file], `step ${step}`).toBe(before);
        });
      });
      for (const node of nodes) {
        expect(stepFile(dir, node.step, 'analysis.md')).toBe(`${node.analysis}\n`);
        expect(JSON.parse(stepFile(dir, node.step, 'node.json'))).toMatchObject({ id: node.id, score: node.score });
      }
    } finally {
      killMatching(marker);
    }
  });

  it('Ctrl-C (SIGINT) exits with 130, says how to resume, leaves no evaluator behind, and the next run continues', async () => {
    const { marker, dir, env, count, inFlight, rounds } = setUp(4);
    try {
      const first = startCli(['run', dir], { env });
      await waitFor(() => rounds() >= 1 && inFlight().length > 0, 'round 1 stored and round 2 evaluating');
      first.child.kill('SIGINT');
      const stopped = await first.done;
      expect(stopped.code).toBe(130);
      expect(stopped.stderr).toBe('');
      expect(stopped.stdout).toContain('Interrupted: stopping the rounds in flight');
      expect(stopped.stdout).toContain('interrupted; run the same command again to resume');
      // The evaluation in flight was stopped with its whole process group.
      expect(processesMatching(marker)).toEqual([]);

      const storedAtStop = storedSteps(dir);
      const interrupted = inFlight();
      expect(interrupted).toHaveLength(1);

      const second = await runCli(['run', dir], { env });
      expect(second.code).toBe(0);
      expect(second.stdout).toContain(`Resuming: ${storedAtStop.length - 1}/4 rounds already stored`);
      const { nodes } = readStored(dir);
      expect(nodes.map((node) => node.id)).toEqual([0, 1, 2, 3, 4]);
      expect(nodes.every((node) => node.success)).toBe(true);
      expect(count(`start step_${interrupted[0]!}`)).toBe(2);
      expect(count('start step_0')).toBe(1);
    } finally {
      killMatching(marker);
    }
  });

  it('a second run on the same experiment while one is running is refused, and leaves the first run intact', async () => {
    // Rounds of 2 s, so the first run is surely still going while the second CLI starts up on a loaded machine.
    const { marker, dir, env, count, inFlight, rounds } = setUp(3, 0.3, 2);
    try {
      const first = startCli(['run', dir], { env });
      await waitFor(() => rounds() >= 1 && inFlight().length > 0, 'round 1 stored and round 2 evaluating');
      const second = await runCli(['run', dir], { env });
      expect(second.code).toBe(1);
      expect(second.stderr).toContain('another run (process');
      expect(second.stderr).toContain('asi-evolve.db.lock');
      expect(second.stderr).not.toContain('Internal error');
      const done = await first.done;
      expect(done.stderr).toBe('');
      expect(done.code).toBe(0);
      const { nodes } = readStored(dir);
      expect(nodes.map((node) => node.id)).toEqual([0, 1, 2, 3]);
      for (let step = 0; step <= 3; step++) expect(count(`start step_${step}`), `step ${step}`).toBe(1);
      expect(existsSync(join(dir, 'asi-evolve.db.lock'))).toBe(false);
    } finally {
      killMatching(marker);
    }
  });

  it('Ctrl-C while the seed is evaluated stores no failed seed: the next run evaluates it again', async () => {
    const { marker, dir, env, count } = setUp(1, 30);
    try {
      const first = startCli(['run', dir], { env });
      await waitFor(() => count('start step_0') === 1, 'the seed evaluation to start');
      first.child.kill('SIGINT');
      const stopped = await first.done;
      expect(stopped.code).toBe(130);
      expect(processesMatching(marker)).toEqual([]);
      // An interrupted seed is a round in flight, not a failed candidate.
      expect(readStored(dir).nodes).toEqual([]);

      const second = await runCli(['run', dir], { env });
      expect(second.code).toBe(0);
      expect(count('start step_0')).toBe(2);
      const { nodes } = readStored(dir);
      expect(nodes.map((node) => [node.id, node.success])).toEqual([
        [0, true],
        [1, true],
      ]);
      expect(nodes[0]!.score).toBe(1);
    } finally {
      killMatching(marker);
    }
  });
});
