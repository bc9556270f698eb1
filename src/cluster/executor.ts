import type { EvaluationJob, EvaluationOutcome, WarmSandbox } from '../evaluation/index.js';

/**
 * Runs evaluation jobs somewhere (this machine, Slurm, a queue). A failing candidate is an
 * outcome, never an exception; it throws only when the executor itself is broken.
 */
export interface Executor {
  readonly name: string;
  /** Where evaluations go, in one line for the run's start (e.g. "Slurm jobs, partition gpu, gres gpu:1"). */
  readonly description: string;
  /**
   * Starts the sandbox of a job whose program is not known yet, so that its start overlaps the
   * candidate's design (docs/architecture.md, “A round's seam: the warm sandbox”); pass it to
   * run() with the job. Null when it cannot be started warm. Only the local executor has it: a
   * Slurm job or a queue worker starts its sandbox elsewhere.
   */
  warm?(job: Omit<EvaluationJob, 'program'>): WarmSandbox | null;
  /** `warm`: from this executor's warm(), used if the job is the one it was started for, else discarded. */
  run(
    job: EvaluationJob,
    options?: { abortSignal?: AbortSignal; warm?: WarmSandbox | undefined },
  ): Promise<EvaluationOutcome>;
  close(): Promise<void>;
}
