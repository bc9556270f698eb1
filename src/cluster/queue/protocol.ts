import { basename } from 'node:path';
import type { EvaluationJob, EvaluationOutcome } from '../../evaluation/index.js';

/**
 * What the coordinator and `asi-evolve worker` agree on: the job's data, the Redis names they
 * share and the outcomes that no evaluation produced. A worker of another version refuses a job
 * whose `protocol` it does not know instead of misreading it.
 */
export const queueProtocol = 1;

/** BullMQ's job name for an evaluation. */
export const evaluationJobName = 'evaluate';

/** BullMQ's key prefix (its default, spelled out so both sides stay on it). */
export const keyPrefix = 'bull';

/** The data of one queued evaluation. */
export interface QueueJobData {
  protocol: typeof queueProtocol;
  /** Everything the worker runs, program text included; its env is already filtered. */
  evaluation: EvaluationJob;
  /** Tries after the first before the evaluation counts as lost (`cluster.max_retries`). */
  maxRetries: number;
  /** A worker silent this long (no lock renewal) is presumed gone (`cluster.queue.stall_timeout`). */
  stallTimeoutMs: number;
}

/** Reads a job's data, or says why it cannot be run. */
export function readJobData(data: unknown): { data: QueueJobData } | { problem: string } {
  const record = data as Partial<QueueJobData> | null;
  if (typeof record !== 'object' || record === null) return { problem: 'the job carries no data' };
  if (record.protocol !== queueProtocol) {
    return {
      problem: `the job was queued by another asi-evolve version (protocol ${String(record.protocol)}, this worker speaks ${queueProtocol}): run the same version on the coordinator and the workers`,
    };
  }
  const evaluation = record.evaluation as Partial<EvaluationJob> | undefined;
  if (
    typeof evaluation?.stepDir !== 'string' ||
    typeof evaluation.experimentDir !== 'string' ||
    typeof evaluation.command !== 'string'
  ) {
    return { problem: 'the job has no evaluation (step folder, experiment folder and command)' };
  }
  if (
    !Number.isInteger(record.maxRetries) ||
    typeof record.stallTimeoutMs !== 'number' ||
    !(record.stallTimeoutMs > 0)
  ) {
    return { problem: 'the job has no retry count or stall timeout' };
  }
  return { data: record as QueueJobData };
}

/**
 * `asi-evolve-<experiment folder name>`, with characters that BullMQ or a shell would trip on
 * (`:` separates Redis key parts) replaced by `-`.
 * @example defaultQueueName('/work/runs/circle packing') // 'asi-evolve-circle-packing'
 */
export function defaultQueueName(experimentDir: string): string {
  return `asi-evolve-${basename(experimentDir).replace(/[^A-Za-z0-9._-]+/g, '-')}`;
}

/** Null when `name` can be a queue name, otherwise what it must be (`:` would split BullMQ's Redis keys). */
export function queueNameProblem(name: string): string | null {
  return /^[A-Za-z0-9._-]{1,200}$/.test(name) ? null : 'made of letters, digits, ".", "_" and "-" (at most 200)';
}

/** The pub/sub channel on which the coordinator names jobs to cancel. */
export function cancelChannel(queueName: string): string {
  return `${keyPrefix}:${queueName}:asi-evolve:cancel`;
}

/** Set when a job is cancelled, for a worker that missed the message (or takes the job later). */
export function cancelKey(queueName: string, jobId: string): string {
  return `${keyPrefix}:${queueName}:asi-evolve:cancelled:${jobId}`;
}

const noLogs = { stdoutTail: '', stderrTail: '', truncated: false };

/** The outcome of an evaluation stopped on request, as the local executor gives it. */
export function abortedOutcome(durationMs = 0): EvaluationOutcome {
  return {
    status: 'failed',
    reason: 'signal',
    shortMessage: 'aborted',
    exitCode: null,
    signal: null,
    results: null,
    durationMs,
    logs: noLogs,
  };
}

/** What happened to the tries of a job that never produced an outcome. */
export interface LostFacts {
  jobId: string;
  /** Times its worker went silent past the stall timeout. */
  stalls: number;
  /** Times a worker threw (could not prepare or start the evaluation). */
  errors: number;
  /** The last thrown message, when there was one. */
  lastError: string | null;
  stallTimeoutMs: number;
}

function times(count: number): string {
  return count === 1 ? 'once' : `${count} times`;
}

/**
 * The `lost` outcome of a job whose tries all ended without an outcome, saying what happened.
 * @example lostOutcome({ jobId: 'step_3-1f2e', stalls: 3, errors: 0, lastError: null, stallTimeoutMs: 2000 }).shortMessage
 * // 'queue job step_3-1f2e lost: its worker went silent for over 2 s 3 times; resubmitted 2 times'
 */
export function lostOutcome(facts: LostFacts): EvaluationOutcome {
  const what: string[] = [];
  if (facts.stalls > 0)
    what.push(`its worker went silent for over ${facts.stallTimeoutMs / 1000} s ${times(facts.stalls)}`);
  if (facts.errors > 0)
    what.push(`a worker failed ${times(facts.errors)}${facts.lastError ? ` (last: ${facts.lastError})` : ''}`);
  if (what.length === 0) what.push(facts.lastError ?? 'it ended without an outcome');
  const resubmitted = Math.max(0, facts.stalls + facts.errors - 1);
  const shortMessage = `queue job ${facts.jobId} lost: ${what.join('; ')}; resubmitted ${resubmitted === 1 ? '1 time' : `${resubmitted} times`}`;
  return {
    status: 'failed',
    reason: 'lost',
    shortMessage,
    exitCode: null,
    signal: null,
    results: null,
    durationMs: 0,
    logs: noLogs,
  };
}

/** True for a value shaped like an EvaluationOutcome (what a worker returns). */
export function isEvaluationOutcome(value: unknown): value is EvaluationOutcome {
  const record = value as { status?: unknown; durationMs?: unknown; logs?: unknown } | null;
  if (
    typeof record !== 'object' ||
    record === null ||
    typeof record.durationMs !== 'number' ||
    typeof record.logs !== 'object'
  )
    return false;
  if (record.status === 'ok') return typeof (value as { evalScore?: unknown }).evalScore === 'number';
  return record.status === 'failed' && typeof (value as { reason?: unknown }).reason === 'string';
}
