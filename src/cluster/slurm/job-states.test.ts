import { describe, expect, it } from 'vitest';
import type { EvaluationOutcome } from '../../evaluation/index.js';
import { abortedOutcome, judgeJob, lostOutcome, parseJobStates, parsePendingReasons } from './job-states.js';

const logs = { stdoutTail: 'epoch 3\n', stderrTail: '', truncated: false };
const scored: EvaluationOutcome = { status: 'ok', results: { eval_score: 2 }, evalScore: 2, durationMs: 900, logs };
const aborted: EvaluationOutcome = { ...abortedOutcome(5000), logs };
const observe = (state: string | null, outcome: EvaluationOutcome | null = null) =>
  judgeJob({ jobId: '42', state, outcome, timeLimitMinutes: 3, durationMs: 1234 });

describe('parsePendingReasons', () => {
  it('keeps the reason of pending jobs only', () => {
    const reasons = parsePendingReasons(
      '12|PENDING|Resources\n13|RUNNING|None\n14|PENDING|\n15|PENDING|Priority\nnoise\n',
    );
    expect([...reasons]).toEqual([
      ['12', 'Resources'],
      ['15', 'Priority'],
    ]);
  });
});

describe('parseJobStates', () => {
  it('reads squeue and sacct lines, keeping the first word of a state and leaving sub-steps out', () => {
    const states = parseJobStates('12|RUNNING\n13|CANCELLED by 1000\n13.batch|CANCELLED\n14|COMPLETED+\n\nnoise\n');
    expect([...states]).toEqual([
      ['12', 'RUNNING'],
      ['13', 'CANCELLED'],
      ['14', 'COMPLETED'],
    ]);
  });
});

describe('judgeJob', () => {
  it('keeps watching a job that is pending, running, completing or requeued', () => {
    for (const state of ['PENDING', 'RUNNING', 'COMPLETING', 'REQUEUED', 'SUSPENDED']) {
      expect(observe(state).kind).toBe('running');
      // A signal ended the evaluation, yet Slurm has not said why.
      expect(observe(state, aborted).kind).toBe('running');
    }
  });

  it("returns the evaluation's own outcome once written, before Slurm winds the job down", () => {
    expect(observe('RUNNING', scored)).toEqual({ kind: 'done', outcome: scored });
    expect(observe('COMPLETED', scored)).toEqual({ kind: 'done', outcome: scored });
    // A job cancelled just after its evaluation ended still evaluated it.
    expect(observe('CANCELLED', scored)).toEqual({ kind: 'done', outcome: scored });
  });

  it("maps Slurm's time limit to a failed timeout, keeping the logs the aborted evaluation wrote", () => {
    const verdict = observe('TIMEOUT', aborted);
    expect(verdict).toEqual({
      kind: 'done',
      outcome: expect.objectContaining({
        status: 'failed',
        reason: 'timeout',
        shortMessage: 'Slurm job 42 reached its time limit of 3 min',
        logs,
        durationMs: 1234,
      }),
    });
    expect(observe('TIMEOUT')).toMatchObject({ kind: 'done', outcome: { reason: 'timeout' } });
    expect(observe('DEADLINE')).toMatchObject({
      kind: 'done',
      outcome: { reason: 'timeout', shortMessage: 'Slurm job 42 reached its deadline' },
    });
  });

  it("maps Slurm's memory kill to a failed memory outcome", () => {
    expect(observe('OUT_OF_MEMORY')).toMatchObject({ kind: 'done', outcome: { status: 'failed', reason: 'memory' } });
  });

  it('calls a job lost when the cluster ended it or forgot it', () => {
    for (const state of ['NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'CANCELLED']) {
      expect(observe(state)).toEqual({ kind: 'lost', state });
      expect(observe(state, aborted)).toEqual({ kind: 'lost', state });
    }
    expect(observe(null)).toEqual({ kind: 'lost', state: 'vanished from squeue and sacct' });
    expect(observe(null, scored)).toEqual({ kind: 'done', outcome: scored });
    expect(observe('COMPLETED', aborted)).toEqual({ kind: 'lost', state: 'COMPLETED after a signal' });
  });

  it('reports a job that ended as if it ran but left no outcome', () => {
    expect(observe('FAILED')).toEqual({ kind: 'no-outcome', state: 'FAILED' });
    expect(observe('COMPLETED')).toEqual({ kind: 'no-outcome', state: 'COMPLETED' });
  });
});

describe('lostOutcome', () => {
  it('names the job, its state and the resubmissions', () => {
    expect(lostOutcome('123', 'NODE_FAIL', 2, 10)).toMatchObject({
      status: 'failed',
      reason: 'lost',
      shortMessage: 'Slurm job 123 NODE_FAIL, resubmitted 2 times',
      results: null,
    });
    expect(lostOutcome('9', 'PREEMPTED', 1, 10)).toMatchObject({
      shortMessage: 'Slurm job 9 PREEMPTED, resubmitted 1 time',
    });
  });
});
