import pLimit from 'p-limit';
import { AsiEvolveError } from '../errors.js';
import type { EvaluationJob, EvaluationOutcome } from '../evaluation/index.js';
import { runSandboxed } from '../evaluation/index.js';
import type { Executor } from './executor.js';

export interface LocalExecutorOptions {
  /** Evaluations running at once; more wait in line. Default 1. */
  concurrency?: number;
}

/**
 * An executor that runs each evaluation on this machine in the sandbox (`runSandboxed`),
 * at most `concurrency` at a time. `close()` aborts the running and waiting evaluations
 * (their outcome is `signal`, "aborted") and waits for them to end.
 *
 * @example
 * const executor = createLocalExecutor({ concurrency: config.pipeline.parallel.num_workers });
 * const outcome = await executor.run(job);
 * await executor.close();
 */
export function createLocalExecutor(options: LocalExecutorOptions = {}): Executor {
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new AsiEvolveError('USAGE', `Expected \`concurrency\` to be a positive integer, got ${concurrency}`);
  }
  const limit = pLimit(concurrency);
  const closing = new AbortController();
  const inFlight = new Set<Promise<EvaluationOutcome>>();

  return {
    name: 'local',
    run(job: EvaluationJob, runOptions: { abortSignal?: AbortSignal } = {}): Promise<EvaluationOutcome> {
      if (closing.signal.aborted) {
        return Promise.reject(new AsiEvolveError('EXECUTOR_UNAVAILABLE', 'The local executor is closed'));
      }
      const signals = runOptions.abortSignal === undefined ? [closing.signal] : [closing.signal, runOptions.abortSignal];
      const abortSignal = AbortSignal.any(signals);
      const outcome = limit(() => runSandboxed(job, { abortSignal }));
      inFlight.add(outcome);
      const forget = (): void => {
        inFlight.delete(outcome);
      };
      outcome.then(forget, forget);
      return outcome;
    },
    async close(): Promise<void> {
      closing.abort();
      await Promise.allSettled([...inFlight]);
    },
  };
}
