import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSandboxed } from './sandbox.js';
import { createScratch, isRunning, readPids } from './test-support/scratch.js';

const scratch = createScratch();
const escaped: number[] = [];
afterAll(() => {
  for (const pid of escaped) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  scratch.cleanup();
});

/** Leaves children and grandchildren behind, all holding the stdout and stderr pipes. */
const spawnLeftovers = [
  'sleep 1000 & echo $! >> pids',
  '( echo $BASHPID >> pids; sleep 1000; echo never ) &',
  "bash -c 'echo $$ >> pids; exec sleep 1000' &",
  '( bash -c \'echo $$ >> pids; trap "" TERM; while :; do sleep 0.1; done\' & wait ) &',
  'sleep 0.3',
].join('\n');

describe('runSandboxed: nothing survives', () => {
  it('kills an infinite loop at a 1 s timeout', async () => {
    const outcome = await runSandboxed(scratch.job({ timeoutMs: 1000, command: 'echo started; while :; do :; done' }));
    expect(outcome).toMatchObject({ status: 'failed', reason: 'timeout', shortMessage: 'timed out after 1 s' });
    expect(outcome.logs.stdoutTail).toBe('started\n');
  });

  it('kills a loop that ignores SIGTERM once the grace period is over', async () => {
    const outcome = await runSandboxed(
      scratch.job({ timeoutMs: 500, killGraceMs: 300, command: 'trap "" TERM; while :; do :; done' }),
    );
    expect(outcome).toMatchObject({ status: 'failed', reason: 'timeout', signal: 'SIGKILL' });
  });

  it('kills what a successful evaluator left behind, grandchildren holding its pipes included', async () => {
    const job = scratch.job({ command: `${spawnLeftovers}\necho '{"eval_score": 1}' > results.json` });
    const outcome = await runSandboxed(job);
    expect(outcome.status).toBe('ok');
    const pids = readPids(join(job.stepDir, 'pids'));
    expect(pids).toHaveLength(4);
    expect(pids.filter(isRunning)).toEqual([]);
  });

  it('kills the whole group at a timeout, a SIGTERM-ignoring grandchild included', async () => {
    const job = scratch.job({
      timeoutMs: 800,
      killGraceMs: 300,
      command: `${spawnLeftovers}\nwhile :; do sleep 0.05; done`,
    });
    const outcome = await runSandboxed(job);
    expect(outcome).toMatchObject({ status: 'failed', reason: 'timeout' });
    const pids = readPids(join(job.stepDir, 'pids'));
    expect(pids).toHaveLength(4);
    expect(pids.filter(isRunning)).toEqual([]);
  });

  it('does not wait for a process that left the group with setsid and holds the pipes', async () => {
    const job = scratch.job({
      command: [
        "setsid bash -c 'echo $$ > escaped; exec sleep 1000' &",
        'while [ ! -s escaped ]; do sleep 0.02; done',
        'echo "done"',
        'echo \'{"eval_score": 1}\' > results.json',
      ].join('\n'),
    });
    const outcome = await runSandboxed(job);
    const escapee = Number(readFileSync(join(job.stepDir, 'escaped'), 'utf8'));
    escaped.push(escapee);
    expect(outcome.status).toBe('ok');
    expect(outcome.logs.stdoutTail).toBe('done\n');
    // Documented limit: setsid escapes a process group; only cgroups or namespaces contain it.
    expect(isRunning(escapee)).toBe(true);
  });
});

describe('runSandboxed: abort', () => {
  it('ends a running evaluation on abort, with reason signal and "aborted"', async () => {
    const controller = new AbortController();
    const job = scratch.job({ command: 'sleep 1000 & echo $! >> pids; echo started; while :; do sleep 0.05; done' });
    const running = runSandboxed(job, { abortSignal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    const outcome = await running;
    expect(outcome).toMatchObject({ status: 'failed', reason: 'signal', shortMessage: 'aborted' });
    expect(readPids(join(job.stepDir, 'pids')).filter(isRunning)).toEqual([]);
  });

  it('does not start when already aborted', async () => {
    const job = scratch.job({ command: 'touch ran' });
    const outcome = await runSandboxed(job, { abortSignal: AbortSignal.abort() });
    expect(outcome).toMatchObject({ status: 'failed', reason: 'signal', shortMessage: 'aborted', durationMs: 0 });
  });
});
