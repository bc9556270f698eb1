import pLimit from 'p-limit';
import { AsiEvolveError } from '../errors.js';
import type { EvaluationJob, EvaluationOutcome, WarmSandbox } from '../evaluation/index.js';
import { runSandboxed, warmSandbox } from '../evaluation/index.js';
import type { Executor } from './executor.js';
import { trackRuns } from './tracked-runs.js';

export interface LocalExecutorOptions {
  /** Evaluations running at once; more wait in line. Default 1. */
  concurrency?: number;
}

/**
 * An executor that runs each evaluation on this machine in the sandbox (`runSandboxed`),
 * at most `concurrency` at a time. A warm sandbox (warm()) waits outside that count: only its
 * release, inside run(), takes a slot, so no more than `concurrency` evaluations run at once.
 * `close()` aborts the running and waiting evaluations
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
    warm: (job) => (runs.closingSignal.aborted ? null : warmSandbox(job)),
    run(
      job: EvaluationJob,
      runOptions: { abortSignal?: AbortSignal; warm?: WarmSandbox | undefined } = {},
    ): Promise<EvaluationOutcome> {
      const { warm } = runOptions;
      const outcome = runs.start(runOptions.abortSignal, (abortSignal) =>
        limit(() => runSandboxed(job, { abortSignal, warm })),
      );
      // Refused (closed): the warm sandbox is spent all the same.
      if (warm !== undefined) outcome.catch(() => void warm.discard());
      return outcome;
    },
    close: () => runs.close(),
  };
}
