import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AsiEvolveError } from '../errors.js';
import type { EvaluationJob } from '../evaluation/index.js';
import { createScratch, sandboxModesHere } from '../evaluation/test-support/scratch.js';
import { createLocalExecutor } from './index.js';

const baseScratch = createScratch();
afterAll(() => baseScratch.cleanup());
const root = baseScratch.root;
const scratch = {
  job: (overrides: Partial<EvaluationJob>): EvaluationJob =>
    baseScratch.job({ program: 'candidate\n', programFile: 'program.txt', ...overrides }),
};

/** An evaluator that records how many evaluations run at once, using a shared lock folder. */
function countingJob(counterDir: string, score: number) {
  const command = [
    `dir=${JSON.stringify(counterDir)}`,
    'mkdir -p "$dir"',
    'touch "$dir/running.$$"',
    'ls "$dir" | grep -c running >> "$dir/seen"',
    'sleep 0.3',
    'rm "$dir/running.$$"',
    `echo '{"eval_score": ${score}}' > results.json`,
  ].join('\n');
  return scratch.job({ command });
}

describe('createLocalExecutor', () => {
  it('runs jobs in the sandbox and returns their outcomes', async () => {
    const executor = createLocalExecutor();
    expect(executor.name).toBe('local');
    const outcome = await executor.run(scratch.job({ command: 'echo \'{"eval_score": 4}\' > results.json' }));
    expect(outcome).toMatchObject({ status: 'ok', evalScore: 4 });
    const failed = await executor.run(scratch.job({ command: 'exit 2' }));
    expect(failed).toMatchObject({ status: 'failed', reason: 'exit-code', exitCode: 2 });
    await executor.close();
  });

  it('runs at most `concurrency` evaluations at once', async () => {
    const counterDir = join(root, 'counter');
    const executor = createLocalExecutor({ concurrency: 2 });
    const outcomes = await Promise.all([1, 2, 3, 4, 5].map((score) => executor.run(countingJob(counterDir, score))));
    expect(outcomes.map((outcome) => outcome.status === 'ok' && outcome.evalScore)).toEqual([1, 2, 3, 4, 5]);
    const seen = readFileSync(join(counterDir, 'seen'), 'utf8').trim().split('\n').map(Number);
    expect(seen).toHaveLength(5);
    expect(Math.max(...seen)).toBeLessThanOrEqual(2);
    await executor.close();
  });

  it('aborts running and waiting jobs on close, then refuses new ones', async () => {
    const executor = createLocalExecutor({ concurrency: 1 });
    const running = executor.run(scratch.job({ command: 'while :; do sleep 0.05; done' }));
    const waiting = executor.run(scratch.job({ command: 'touch ran; echo \'{"eval_score": 1}\' > results.json' }));
    setTimeout(() => void executor.close(), 200);
    expect(await running).toMatchObject({ status: 'failed', reason: 'signal', shortMessage: 'aborted' });
    expect(await waiting).toMatchObject({ status: 'failed', reason: 'signal', shortMessage: 'aborted' });
    const error = await executor.run(scratch.job({})).catch((caught: unknown) => caught);
    expect(AsiEvolveError.isInstance(error) && error.code).toBe('EXECUTOR_UNAVAILABLE');
  });

  it('honours the abort signal of one run', async () => {
    const executor = createLocalExecutor();
    const controller = new AbortController();
    const running = executor.run(scratch.job({ command: 'while :; do sleep 0.05; done' }), {
      abortSignal: controller.signal,
    });
    setTimeout(() => controller.abort(), 200);
    expect(await running).toMatchObject({ status: 'failed', shortMessage: 'aborted' });
    await executor.close();
  });

  it.each(sandboxModesHere().filter((mode) => mode !== 'none'))(
    'starts sandboxes warm (mode %s) outside the count: still at most `concurrency` evaluations at once',
    async (mode) => {
      const executor = createLocalExecutor({ concurrency: 1 });
      const sandbox = { mode, network: false, readPaths: [] };
      // Each evaluation notes when it ran, in its own step folder (the sandbox shares no other).
      const command = (score: number): string =>
        `date +%s%N > started; sleep 0.2; date +%s%N > ended; echo '{"eval_score": ${score}}' > results.json`;
      const jobs = [1, 2, 3].map((score) => scratch.job({ command: command(score), sandbox }));
      const warms = jobs.map(({ program: _program, ...shape }) => executor.warm?.(shape) ?? null);
      expect(warms.every((warm) => warm !== null)).toBe(true);
      const outcomes = await Promise.all(
        jobs.map((job, index) => executor.run(job, { warm: warms[index] ?? undefined })),
      );
      expect(outcomes.map((outcome) => outcome.status === 'ok' && outcome.evalScore)).toEqual([1, 2, 3]);
      const read = (job: EvaluationJob, name: string): number => Number(readFileSync(join(job.stepDir, name), 'utf8'));
      const spans = jobs
        .map((job) => ({ started: read(job, 'started'), ended: read(job, 'ended') }))
        .sort((left, right) => left.started - right.started);
      for (let index = 1; index < spans.length; index++)
        expect(spans[index]?.started).toBeGreaterThanOrEqual(spans[index - 1]?.ended ?? Infinity);
      await executor.close();
      expect(executor.warm?.(jobs[0] as EvaluationJob)).toBeNull();
    },
  );

  it('refuses a concurrency that is not a positive integer', () => {
    expect(() => createLocalExecutor({ concurrency: 0 })).toThrow(/concurrency/);
  });
});
