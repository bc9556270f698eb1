import pLimit from 'p-limit';
import { AsiEvolveError } from '../errors.js';
import type { EvaluationJob, EvaluationOutcome } from '../evaluation/index.js';
import { runSandboxed } from '../evaluation/index.js';
import type { Executor } from './executor.js';
import { trackRuns } from './tracked-runs.js';

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
  const runs = trackRuns('The local executor');

  return {
    name: 'local',
    description: `on this machine, ${concurrency} at a time`,
    run(job: EvaluationJob, runOptions: { abortSignal?: AbortSignal } = {}): Promise<EvaluationOutcome> {
      return runs.start(runOptions.abortSignal, (abortSignal) => limit(() => runSandboxed(job, { abortSignal })));
    },
    close: () => runs.close(),
  };
}
