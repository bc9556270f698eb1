import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { requires } from '../test-support/requires.js';
import { AsiEvolveError } from '../errors.js';
import type { EvaluationJob } from '../evaluation/index.js';
import { isRunning, readPids } from '../evaluation/test-support/scratch.js';
import type { Executor } from './executor.js';
import { createLocalExecutor } from './local.js';
import { createScratch } from '../evaluation/test-support/scratch.js';

/** What the shared cases need from an executor's test file (its daemons already started). */
export interface ExecutorCaseSetup {
  /** A fresh executor; the cases close it. */
  create(): Executor | Promise<Executor>;
  /** A job in a fresh step folder of a scratch experiment. */
  job(overrides: Partial<EvaluationJob>): EvaluationJob;
  /** Skips the cases where the executor's daemons are missing (see test-support/requires.ts). */
  requires?: ReturnType<typeof requires>;
}

async function waitUntil(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The behaviour every executor shares, wherever the evaluation runs (this machine, a Slurm
 * node, a queue worker): the outcome comes back whole, a failing candidate is an outcome, only
 * the job's environment reaches the evaluator, an abort ends the evaluation's processes, and a
 * closed executor refuses work. (hono's common.case.test pattern.)
 */
export function runExecutorCases(name: string, setup: ExecutorCaseSetup, timeoutMs = 60_000): void {
  describe(`${name}: shared executor cases`, setup.requires ?? {}, () => {
    it(
      'returns the outcome: score, every results field, output tails',
      async () => {
        const executor = await setup.create();
        try {
          const outcome = await executor.run(
            setup.job({
              command: 'cat "$1" > seen.txt; echo evaluating; echo \'{"eval_score": 2.5, "loss": 0.1}\' > results.json',
            }),
          );
          expect(outcome).toMatchObject({ status: 'ok', evalScore: 2.5, results: { eval_score: 2.5, loss: 0.1 } });
          expect(outcome.logs.stdoutTail).toContain('evaluating');
        } finally {
          await executor.close();
        }
      },
      timeoutMs,
    );

    it(
      'reports a failing evaluator as a failed outcome with its reason, not an exception',
      async () => {
        const executor = await setup.create();
        try {
          expect(await executor.run(setup.job({ command: 'echo broken >&2; exit 3' }))).toMatchObject({
            status: 'failed',
            reason: 'exit-code',
            exitCode: 3,
          });
          expect(await executor.run(setup.job({ command: 'echo not-json > results.json' }))).toMatchObject({
            status: 'failed',
            reason: 'bad-results',
          });
        } finally {
          await executor.close();
        }
      },
      timeoutMs,
    );

    it(
      "passes the job's environment and nothing of the coordinator's",
      async () => {
        const secret = `ASI_CASE_SECRET_${process.pid}`;
        process.env[secret] = 'must-not-leak';
        const executor = await setup.create();
        try {
          const job = setup.job({
            command: `printf '{"eval_score": 1, "allowed": "%s", "secret": "%s"}' "$ASI_CASE_ALLOWED" "\${${secret}:-}" > results.json`,
          });
          const outcome = await executor.run({ ...job, env: { ...job.env, ASI_CASE_ALLOWED: 'yes' } });
          expect(outcome).toMatchObject({ status: 'ok', results: { allowed: 'yes', secret: '' } });
        } finally {
          delete process.env[secret];
          await executor.close();
        }
      },
      timeoutMs,
    );

    it(
      'ends a running evaluation on abort, with reason signal, and leaves no process behind',
      async () => {
        const executor = await setup.create();
        try {
          const job = setup.job({
            command: 'echo $$ >> "$ASI_STEP_DIR/pids"; (sleep 300 & echo $! >> "$ASI_STEP_DIR/pids"; wait)',
          });
          const pidsFile = join(job.stepDir, 'pids');
          const controller = new AbortController();
          const running = executor.run(job, { abortSignal: controller.signal });
          await waitUntil(() => {
            try {
              return readPids(pidsFile).length >= 2;
            } catch {
              return false;
            }
          }, 'the evaluation to start');
          controller.abort();
          expect(await running).toMatchObject({ status: 'failed', reason: 'signal', shortMessage: 'aborted' });
          await waitUntil(
            () => readPids(pidsFile).every((pid) => !isRunning(pid)),
            'the evaluation processes to end',
            20_000,
          );
        } finally {
          await executor.close();
        }
      },
      timeoutMs,
    );

    it(
      'refuses work once closed, naming the executor',
      async () => {
        const executor = await setup.create();
        await executor.close();
        const error = await executor.run(setup.job({})).catch((caught: unknown) => caught);
        expect(AsiEvolveError.isInstance(error) && error.code).toBe('EXECUTOR_UNAVAILABLE');
      },
      timeoutMs,
    );
  });
}

// Run directly by vitest (not when an executor's test file imports it): the cases on this
// machine's executor, which needs no daemon. Slurm and queue run them in their own files.
if (expect.getState().testPath === fileURLToPath(import.meta.url)) {
  const scratch = createScratch();
  afterAll(() => scratch.cleanup());
  runExecutorCases('local', { create: () => createLocalExecutor(), job: (overrides) => scratch.job(overrides) });
}
