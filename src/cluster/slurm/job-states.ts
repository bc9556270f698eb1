import type { EvaluationLogs, EvaluationOutcome, FailureReason } from '../../evaluation/index.js';

/** States in which a job may still run (or run again, once requeued): keep watching. */
const activeStates = new Set([
  'PENDING',
  'CONFIGURING',
  'RUNNING',
  'COMPLETING',
  'SUSPENDED',
  'STOPPED',
  'REQUEUED',
  'REQUEUE_FED',
  'REQUEUE_HOLD',
  'RESIZING',
  'SIGNALING',
  'STAGE_OUT',
  'RESV_DEL_HOLD',
  'SPECIAL_EXIT',
]);

/** Ended by the cluster, not by the evaluation: the job is resubmitted. */
const lostStates = new Set(['NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'CANCELLED', 'REVOKED']);

export function isActiveState(state: string): boolean {
  return activeStates.has(state);
}

/**
 * Job states from `squeue -o '%i|%T'` or `sacct -P -o JobID,State` lines: id → state, the
 * state's first word only (sacct writes `CANCELLED by 1000`). Sub-steps (`12.batch`) are left out.
 */
export function parseJobStates(output: string): Map<string, string> {
  const states = new Map<string, string>();
  for (const line of output.split('\n')) {
    const [id, state] = line.trim().split('|');
    if (id === undefined || state === undefined || !/^\d+$/.test(id)) continue;
    const word = state.trim().split(/\s+/)[0];
    if (word) states.set(id, word.replace(/\+$/, ''));
  }
  return states;
}

/** Why squeue says each pending job waits (`%i|%T|%r` lines), e.g. Resources, Priority, QOSMaxJobsPerUserLimit. */
export function parsePendingReasons(output: string): Map<string, string> {
  const reasons = new Map<string, string>();
  for (const line of output.split('\n')) {
    const [id, state, reason] = line.trim().split('|');
    if (id === undefined || !/^\d+$/.test(id) || state?.trim() !== 'PENDING' || !reason?.trim()) continue;
    reasons.set(id, reason.trim());
  }
  return reasons;
}

/** What the coordinator makes of a job it watches. */
export type JobVerdict =
  | { kind: 'running' }
  | { kind: 'done'; outcome: EvaluationOutcome }
  /** Gone through no fault of the evaluation (node failure, preemption, cancelled by someone else, forgotten): resubmit. */
  | { kind: 'lost'; state: string }
  /** Ended as if it ran, yet no outcome file (yet: a shared filesystem may show it late). */
  | { kind: 'no-outcome'; state: string };

export interface JobObservation {
  jobId: string;
  /** The state Slurm reports; null when neither squeue nor sacct knows the job any more. */
  state: string | null;
  /** The outcome file evaluate-job wrote, when there is one. */
  outcome: EvaluationOutcome | null;
  timeLimitMinutes: number;
  /** Since submission, for outcomes the coordinator makes up. */
  durationMs: number;
}

/** evaluate-job writes this when a signal (scancel, Slurm's time limit) ended the evaluation. */
export function isAbortedOutcome(outcome: EvaluationOutcome): boolean {
  return outcome.status === 'failed' && outcome.reason === 'signal' && outcome.shortMessage === 'aborted';
}

function failed(
  reason: FailureReason,
  shortMessage: string,
  durationMs: number,
  logs: EvaluationLogs,
): EvaluationOutcome {
  return { status: 'failed', reason, shortMessage, exitCode: null, signal: null, results: null, durationMs, logs };
}

/**
 * The verdict on a watched job. An outcome written by the evaluation wins over the job's state
 * (a job still completing, or cancelled just after its evaluation ended, still evaluated it),
 * unless it only says that a signal ended it: then the state says why (time limit, memory, the
 * cluster).
 *
 * @example
 * judgeJob({ jobId: '12', state: 'TIMEOUT', outcome: null, timeLimitMinutes: 3, durationMs: 190_000 });
 * // → done: failed 'timeout', "Slurm job 12 reached its time limit of 3 min"
 */
export function judgeJob(observation: JobObservation): JobVerdict {
  const { jobId, state, outcome, durationMs } = observation;
  // evaluate-job writes the outcome last, atomically: no need to wait for Slurm to wind the job down.
  if (outcome !== null && !isAbortedOutcome(outcome)) return { kind: 'done', outcome };
  if (state !== null && isActiveState(state)) return { kind: 'running' };
  const logs = outcome?.logs ?? { stdoutTail: '', stderrTail: '', truncated: false };
  if (state === 'TIMEOUT' || state === 'DEADLINE') {
    const why = state === 'TIMEOUT' ? `its time limit of ${observation.timeLimitMinutes} min` : 'its deadline';
    return { kind: 'done', outcome: failed('timeout', `Slurm job ${jobId} reached ${why}`, durationMs, logs) };
  }
  if (state === 'OUT_OF_MEMORY') {
    return {
      kind: 'done',
      outcome: failed('memory', `Slurm job ${jobId} ran out of memory (OUT_OF_MEMORY)`, durationMs, logs),
    };
  }
  if (state === null) return { kind: 'lost', state: 'vanished from squeue and sacct' };
  if (lostStates.has(state)) return { kind: 'lost', state };
  // COMPLETED or FAILED: evaluate-job ran; an "aborted" outcome means something on the node killed it.
  if (outcome !== null) return { kind: 'lost', state: `${state} after a signal` };
  return { kind: 'no-outcome', state };
}

/** The outcome once every resubmission was lost too: "Slurm job 123 NODE_FAIL, resubmitted 2 times". */
export function lostOutcome(
  jobId: string,
  state: string,
  resubmissions: number,
  durationMs: number,
): EvaluationOutcome {
  const times = resubmissions === 1 ? 'time' : 'times';
  const shortMessage = `Slurm job ${jobId} ${state}, resubmitted ${resubmissions} ${times}`;
  return failed('lost', shortMessage, durationMs, { stdoutTail: '', stderrTail: '', truncated: false });
}

/** What run() resolves with when its abort signal fired, as the local executor does. */
export function abortedOutcome(durationMs: number): EvaluationOutcome {
  return failed('signal', 'aborted', durationMs, { stdoutTail: '', stderrTail: '', truncated: false });
}
