import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AsiEvolveError } from '../errors.js';
import type { EvaluationJob } from '../evaluation/index.js';
import { createScratch } from '../evaluation/test-support/scratch.js';
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

  it('refuses a concurrency that is not a positive integer', () => {
    expect(() => createLocalExecutor({ concurrency: 0 })).toThrow(/concurrency/);
  });
});
