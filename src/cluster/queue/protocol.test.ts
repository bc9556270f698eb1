import { describe, expect, it } from 'vitest';
import {
  abortedOutcome,
  defaultQueueName,
  isEvaluationOutcome,
  lostOutcome,
  queueNameProblem,
  queueProtocol,
  readJobData,
} from './protocol.js';

describe('lostOutcome', () => {
  it('says how often the worker went silent and how often the job was resubmitted', () => {
    const outcome = lostOutcome({ jobId: 'step_3-1f2e', stalls: 3, errors: 0, lastError: null, stallTimeoutMs: 2_000 });
    expect(outcome).toMatchObject({ status: 'failed', reason: 'lost', exitCode: null, results: null });
    expect(outcome.status === 'failed' && outcome.shortMessage).toBe(
      'queue job step_3-1f2e lost: its worker went silent for over 2 s 3 times; resubmitted 2 times',
    );
  });

  it('names the last error of workers that threw, and counts every try', () => {
    const outcome = lostOutcome({
      jobId: 'j',
      stalls: 1,
      errors: 1,
      lastError: 'no such folder',
      stallTimeoutMs: 30_000,
    });
    expect(outcome.status === 'failed' && outcome.shortMessage).toBe(
      'queue job j lost: its worker went silent for over 30 s once; a worker failed once (last: no such folder); resubmitted 1 time',
    );
    const never = lostOutcome({ jobId: 'j', stalls: 0, errors: 1, lastError: 'boom', stallTimeoutMs: 1_000 });
    expect(never.status === 'failed' && never.shortMessage).toMatch(
      /a worker failed once \(last: boom\); resubmitted 0 times$/,
    );
  });
});

describe('the job data', () => {
  const evaluation = { stepDir: '/e/steps/step_1', experimentDir: '/e', command: 'true' };

  it('is read back when it is complete', () => {
    const data = { protocol: queueProtocol, evaluation, maxRetries: 2, stallTimeoutMs: 1_000 };
    expect(readJobData(data)).toEqual({ data });
  });

  it('is refused, saying why, from another version or when parts are missing', () => {
    expect(readJobData({ protocol: 99, evaluation, maxRetries: 2, stallTimeoutMs: 1_000 })).toEqual({
      problem: expect.stringMatching(/another asi-evolve version \(protocol 99/),
    });
    expect(readJobData({ protocol: queueProtocol, maxRetries: 2, stallTimeoutMs: 1_000 })).toEqual({
      problem: expect.stringMatching(/no evaluation/),
    });
    expect(readJobData({ protocol: queueProtocol, evaluation, maxRetries: 2 })).toEqual({
      problem: expect.stringMatching(/stall timeout/),
    });
    expect(readJobData(null)).toEqual({ problem: 'the job carries no data' });
  });

  it('tells outcomes from other values', () => {
    expect(isEvaluationOutcome(abortedOutcome())).toBe(true);
    expect(isEvaluationOutcome({ status: 'ok', evalScore: 1, durationMs: 3, logs: {}, results: {} })).toBe(true);
    expect(isEvaluationOutcome({ status: 'ok', durationMs: 3, logs: {} })).toBe(false);
    expect(isEvaluationOutcome('done')).toBe(false);
  });
});

describe('queue names', () => {
  it('default to asi-evolve-<experiment folder name>, made safe for Redis keys', () => {
    expect(defaultQueueName('/work/runs/circle-packing')).toBe('asi-evolve-circle-packing');
    expect(defaultQueueName('/work/runs/circle packing:v2')).toBe('asi-evolve-circle-packing-v2');
    expect(queueNameProblem(defaultQueueName('/x/a b:c'))).toBeNull();
  });

  it('refuses a colon, a space or nothing', () => {
    expect(queueNameProblem('a:b')).toMatch(/letters, digits/);
    expect(queueNameProblem('a b')).not.toBeNull();
    expect(queueNameProblem('')).not.toBeNull();
  });
});
