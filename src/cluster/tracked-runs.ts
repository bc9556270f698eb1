import { AsiEvolveError } from '../errors.js';
import type { EvaluationOutcome } from '../evaluation/index.js';

/** The runs of one executor: what `run()` and `close()` share in every executor. */
export interface TrackedRuns {
  /** Aborted by close(): every run's signal follows it. */
  readonly closingSignal: AbortSignal;
  /**
   * Starts `evaluate` with a signal that fires on the run's own abort or on close(), and keeps
   * it until it settles. Refused with EXECUTOR_UNAVAILABLE once closed.
   */
  start(
    abortSignal: AbortSignal | undefined,
    evaluate: (signal: AbortSignal) => Promise<EvaluationOutcome>,
  ): Promise<EvaluationOutcome>;
  /** Aborts every run in flight and waits until all have settled. */
  close(): Promise<void>;
}

/**
 * The bookkeeping every executor shares, so that each keeps only what is its own.
 * @example
 * const runs = trackRuns('The local executor');
 * return { name: 'local', run: (job, options = {}) => runs.start(options.abortSignal, (signal) => runSandboxed(job, { abortSignal: signal })), close: () => runs.close() };
 */
export function trackRuns(executorDescription: string): TrackedRuns {
  const closing = new AbortController();
  const inFlight = new Set<Promise<EvaluationOutcome>>();
  return {
    closingSignal: closing.signal,
    start(abortSignal, evaluate) {
      if (closing.signal.aborted)
        return Promise.reject(new AsiEvolveError('EXECUTOR_UNAVAILABLE', `${executorDescription} is closed`));
      const signal = abortSignal === undefined ? closing.signal : AbortSignal.any([closing.signal, abortSignal]);
      const outcome = evaluate(signal);
      inFlight.add(outcome);
      const forget = (): void => {
        inFlight.delete(outcome);
      };
      outcome.then(forget, forget);
      return outcome;
    },
    async close() {
      closing.abort();
      await Promise.allSettled([...inFlight]);
    },
  };
}
