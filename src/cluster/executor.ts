import type { EvaluationJob, EvaluationOutcome } from '../evaluation/index.js';

/**
 * Runs evaluation jobs somewhere (this machine, Slurm, a queue). A failing candidate is an
 * outcome, never an exception; it throws only when the executor itself is broken.
 */
export interface Executor {
  readonly name: string;
  /** Where evaluations go, in one line for the run's start (e.g. "Slurm jobs, partition gpu, gres gpu:1"). */
  readonly description: string;
  run(job: EvaluationJob, options?: { abortSignal?: AbortSignal }): Promise<EvaluationOutcome>;
  close(): Promise<void>;
}
