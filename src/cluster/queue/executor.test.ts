import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatFileSet } from '../../domain/index.js';
import { AsiEvolveError } from '../../errors.js';
import type { EvaluationJob } from '../../evaluation/index.js';
import { createScratch, isRunning, readPids } from '../../evaluation/test-support/scratch.js';
import { runExecutorCases } from '../executor.case.test.js';
import { createQueueExecutor, type QueueExecutorOptions } from './executor.js';
import { freePort } from '../../test-support/free-port.js';
import { requires } from '../../test-support/requires.js';
import { startRedisServer, type RedisServer } from './test-support/redis-server.js';
import { startQueueWorker, type QueueWorker, type QueueWorkerEvent } from './worker.js';

const scratch = createScratch();
const needsRedis = requires('redis');
let redis: RedisServer;
beforeAll(async () => {
  if (!needsRedis.skip) redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
  scratch.cleanup();
});

let queueCount = 0;
function queueName(): string {
  queueCount += 1;
  return `test-${process.pid}-${queueCount}`;
}

/** Closed at the end of each test, even a failing one. */
const opened: Array<{ close(): Promise<void> }> = [];
async function closeAll(): Promise<void> {
  await Promise.all(opened.splice(0).map((each) => each.close()));
}

function executor(name: string, options: Partial<QueueExecutorOptions> = {}) {
  const created = createQueueExecutor({
    redisUrl: redis.url,
    queueName: name,
    maxRetries: 1,
    stallTimeoutMs: 1_000,
    pollIntervalMs: 1_000,
    ...options,
  });
  opened.push(created);
  return created;
}

async function worker(name: string, events: QueueWorkerEvent[] = []): Promise<QueueWorker> {
  const started = await startQueueWorker({
    redisUrl: redis.url,
    queueName: name,
    onEvent: (event) => events.push(event),
  });
  opened.push(started);
  return started;
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** An evaluator that writes its PID, then runs until killed. */
function endlessJob(): { job: EvaluationJob; pidFile: string } {
  const job = scratch.job({
    command: 'echo $$ > "$ASI_STEP_DIR/../pid-$(basename "$ASI_STEP_DIR")"; while :; do sleep 0.05; done',
  });
  return { job, pidFile: join(job.stepDir, '..', `pid-${job.stepDir.split('/').pop()}`) };
}

// Each case gets its own queue, served by one in-process worker (closed after the test).
runExecutorCases('queue', {
  create: async () => {
    const name = queueName();
    await worker(name);
    // The cases are not about stalls: a long stall timeout keeps a loaded machine from handing jobs on.
    return executor(name, { stallTimeoutMs: 20_000 });
  },
  job: (overrides) => scratch.job(overrides),
  requires: needsRedis,
});
afterEach(closeAll);

describe('createQueueExecutor with a worker', needsRedis, () => {
  it('says when a job waits for a worker, once, and goes on when one starts', async () => {
    const name = queueName();
    const notices: string[] = [];
    const queue = executor(name, { notify: (message) => notices.push(message), waitingNoticeMs: 300 });
    const outcome = queue.run(scratch.job({ command: 'echo \'{"eval_score": 3}\' > results.json' }));
    await waitFor(() => notices.length > 0, 'the waiting notice');
    expect(notices[0]).toMatch(
      new RegExp(
        `^step_\\d+ has waited 0 s for a worker on queue ${name}: is \`asi-evolve worker --queue ${name}\` running`,
      ),
    );
    await worker(name);
    expect(await outcome).toMatchObject({ status: 'ok', evalScore: 3 });
    expect(notices).toHaveLength(1);
    await closeAll();
  });

  it('says nothing when a worker takes the job in time', async () => {
    const name = queueName();
    const notices: string[] = [];
    await worker(name);
    // A job still running (not waiting) when the notice is due; a long stall timeout, so a loaded machine cannot hand it on.
    const queue = executor(name, {
      notify: (message) => notices.push(message),
      waitingNoticeMs: 1_500,
      stallTimeoutMs: 20_000,
    });
    const outcome = await queue.run(scratch.job({ command: 'sleep 2; echo \'{"eval_score": 1}\' > results.json' }));
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ status: 'ok' });
    expect(notices).toEqual([]);
    await closeAll();
  });

  it('sends the job to a worker and returns the outcome it sends back', async () => {
    const name = queueName();
    const events: QueueWorkerEvent[] = [];
    await worker(name, events);
    const queue = executor(name);
    expect(queue.name).toBe('queue');
    try {
      const ok = await queue.run(scratch.job({ command: 'echo \'{"eval_score": 4.5, "note": "hi"}\' > results.json' }));
      expect(ok).toMatchObject({ status: 'ok', evalScore: 4.5, results: { eval_score: 4.5, note: 'hi' } });
      const failed = await queue.run(scratch.job({ command: 'echo oops >&2; exit 2' }));
      expect(failed).toMatchObject({
        status: 'failed',
        reason: 'exit-code',
        exitCode: 2,
        logs: { stderrTail: 'oops\n' },
      });
      expect(events.map((event) => event.type)).toEqual(['finished', 'finished']);
      expect(events[0]).toMatchObject({ type: 'finished', label: expect.stringMatching(/^steps\/step_\d+$/) });
    } finally {
      await closeAll();
    }
  });

  it('on abort, the worker ends the running evaluation and run() resolves "aborted" at once', async () => {
    const name = queueName();
    await worker(name);
    // A long stall timeout: the worker's periodic look at the cancel key comes too late, so the message must do it.
    const queue = executor(name, { stallTimeoutMs: 60_000 });
    try {
      const { job, pidFile } = endlessJob();
      const controller = new AbortController();
      const running = queue.run(job, { abortSignal: controller.signal });
      await waitFor(
        () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'),
        'the evaluation to start',
      );
      const [pid] = readPids(pidFile);
      const abortedAt = Date.now();
      controller.abort();
      expect(await running).toMatchObject({ status: 'failed', reason: 'signal', shortMessage: 'aborted' });
      expect(Date.now() - abortedAt).toBeLessThan(2_500);
      await waitFor(() => !isRunning(pid!), 'the evaluation process to be gone', 5_000);
    } finally {
      await closeAll();
    }
  });

  it('removes a job that no worker has taken yet when its run is aborted', async () => {
    const name = queueName();
    const queue = executor(name);
    const job = scratch.job({ command: 'touch ran; echo \'{"eval_score": 1}\' > results.json' });
    const controller = new AbortController();
    try {
      const running = queue.run(job, { abortSignal: controller.signal });
      const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
      const inspect = new Queue(name, { connection });
      opened.push({ close: async () => (await inspect.close(), connection.disconnect()) });
      let waiting = 0;
      const deadline = Date.now() + 10_000;
      while (waiting === 0 && Date.now() < deadline) waiting = (await inspect.getJobCounts('waiting')).waiting ?? 0;
      expect(waiting).toBe(1);
      controller.abort();
      expect(await running).toMatchObject({ status: 'failed', shortMessage: 'aborted' });
      expect(await inspect.getJobCounts('waiting', 'active')).toEqual({ waiting: 0, active: 0 });
      // A worker that comes later finds nothing to run.
      const events: QueueWorkerEvent[] = [];
      await worker(name, events);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(existsSync(join(job.stepDir, 'ran'))).toBe(false);
      expect(events).toEqual([]);
    } finally {
      await closeAll();
    }
  });

  it('gives a job whose worker went silent to another worker, and calls it lost past max_retries', async () => {
    const name = queueName();
    const queue = executor(name, { maxRetries: 0, stallTimeoutMs: 1_000 });
    // A worker that takes the job and then says nothing more, as a dead machine would.
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const silent = new Worker(name, null, { connection, autorun: false, lockDuration: 1_000 });
    opened.push({ close: async () => (await silent.close(true), connection.disconnect()) });
    try {
      const job = scratch.job({ command: 'touch ran; echo \'{"eval_score": 1}\' > results.json' });
      const running = queue.run(job);
      let taken = await silent.getNextJob('silent-token');
      while (taken === undefined) taken = await silent.getNextJob('silent-token');
      const events: QueueWorkerEvent[] = [];
      await worker(name, events);
      const outcome = await running;
      expect(outcome).toMatchObject({ status: 'failed', reason: 'lost' });
      expect(outcome.status === 'failed' && outcome.shortMessage).toMatch(
        /^queue job step_\d+-[0-9a-f]{8} lost: its worker went silent for over 1 s once; resubmitted 0 times$/,
      );
      expect(existsSync(join(job.stepDir, 'ran'))).toBe(false);
      expect(events).toMatchObject([{ type: 'finished', outcome: { reason: 'lost' } }]);
    } finally {
      await closeAll();
    }
  });

  it('retries a job whose worker threw, then reports the worker error as lost', async () => {
    const name = queueName();
    const events: QueueWorkerEvent[] = [];
    await worker(name, events);
    const queue = executor(name, { maxRetries: 1 });
    try {
      const missing = join(scratch.root, 'not-on-this-machine');
      const outcome = await queue.run(
        scratch.job({ experimentDir: missing, stepDir: join(missing, 'steps', 'step_1') }),
      );
      expect(outcome).toMatchObject({ status: 'failed', reason: 'lost' });
      const message = outcome.status === 'failed' ? outcome.shortMessage : '';
      expect(message).toContain(
        `a worker failed 2 times (last: the experiment folder ${missing} does not exist on worker`,
      );
      expect(message).toMatch(/at the same path as the coordinator \(a shared filesystem\)\); resubmitted 1 time$/);
      expect(events.map((event) => event.type)).toEqual(['refused', 'refused']);
    } finally {
      await closeAll();
    }
  });

  it("refuses a multi-file job whose project folder is not on the worker's machine, saying it must be shared", async () => {
    const name = queueName();
    const events: QueueWorkerEvent[] = [];
    await worker(name, events);
    const queue = executor(name, { maxRetries: 0 });
    try {
      const missing = join(scratch.root, 'project-not-on-this-machine');
      const outcome = await queue.run(
        scratch.job({
          program: formatFileSet(new Map([['model.py', 'W = 2\n']])),
          projectDir: missing,
          command: 'touch ran; echo \'{"eval_score": 1}\' > results.json',
        }),
      );
      expect(outcome).toMatchObject({ status: 'failed', reason: 'lost' });
      expect(outcome.status === 'failed' && outcome.shortMessage).toContain(
        `a worker failed once (last: the project folder ${missing} does not exist on worker`,
      );
      expect(outcome.status === 'failed' && outcome.shortMessage).toContain('a shared filesystem');
      expect(events.map((event) => event.type)).toEqual(['refused']);
    } finally {
      await closeAll();
    }
  });

  it("returns a multi-file candidate whose files cannot be laid over the project as that candidate's failure, not a lost job", async () => {
    const name = queueName();
    const events: QueueWorkerEvent[] = [];
    await worker(name, events);
    const queue = executor(name, { maxRetries: 2 });
    try {
      const projectDir = join(scratch.root, `project-${name}`);
      mkdirSync(join(projectDir, 'lib'), { recursive: true });
      writeFileSync(join(projectDir, 'lib', 'util.py'), 'X = 1\n');
      const outcome = await queue.run(
        scratch.job({
          program: formatFileSet(new Map([['lib', 'not a folder\n']])),
          projectDir,
          command: 'touch ran; echo \'{"eval_score": 1}\' > results.json',
        }),
      );
      expect(outcome).toMatchObject({ status: 'failed', reason: 'bad-candidate' });
      expect(outcome.status === 'failed' && outcome.shortMessage).toContain("cannot write the candidate's lib");
      expect(events.map((event) => event.type)).toEqual(['finished']);
    } finally {
      await closeAll();
    }
  });

  it("puts a stopping worker's running job back, untried, for the next worker", async () => {
    const name = queueName();
    const first = await worker(name);
    const queue = executor(name, { maxRetries: 0 });
    try {
      // Runs until the first worker stops, then finishes at once on the second try.
      const marker = join(scratch.root, `handed-back-${name}`);
      const job = scratch.job({
        command: `if [ ! -e ${marker} ]; then touch ${marker}; while :; do sleep 0.05; done; fi; echo '{"eval_score": 7}' > results.json`,
      });
      const running = queue.run(job);
      await waitFor(() => existsSync(marker), 'the first try to start');
      await first.close();
      const events: QueueWorkerEvent[] = [];
      await worker(name, events);
      // max_retries 0: a handed-back job is not a lost try.
      expect(await running).toMatchObject({ status: 'ok', evalScore: 7 });
      expect(events).toMatchObject([{ type: 'finished' }]);
    } finally {
      await closeAll();
    }
  });

  it('close() ends the runs in flight, then refuses new ones', async () => {
    const name = queueName();
    await worker(name);
    const queue = createQueueExecutor({ redisUrl: redis.url, queueName: name, maxRetries: 0, stallTimeoutMs: 1_000 });
    try {
      const { job, pidFile } = endlessJob();
      const running = queue.run(job);
      await waitFor(
        () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'),
        'the evaluation to start',
      );
      await queue.close();
      expect(await running).toMatchObject({ status: 'failed', reason: 'signal', shortMessage: 'aborted' });
      await waitFor(() => !isRunning(readPids(pidFile)[0]!), 'the evaluation process to be gone', 10_000);
      const error = await queue.run(scratch.job({})).catch((caught: unknown) => caught);
      expect(AsiEvolveError.isInstance(error) && error.code).toBe('EXECUTOR_UNAVAILABLE');
    } finally {
      await closeAll();
    }
  });
});

describe('createQueueExecutor without Redis', () => {
  it('still stops promptly when Redis goes away while a job waits', needsRedis, async () => {
    const ownRedis = await startRedisServer();
    const queue = createQueueExecutor({
      redisUrl: ownRedis.url,
      queueName: 'gone',
      maxRetries: 0,
      stallTimeoutMs: 1_000,
    });
    try {
      const controller = new AbortController();
      const running = queue.run(scratch.job({}), { abortSignal: controller.signal });
      const client = new Redis(ownRedis.url);
      let queued = 0;
      while (queued === 0) queued = (await client.keys('bull:gone:*')).length;
      client.disconnect();
      await ownRedis.stop();
      let started = Date.now();
      controller.abort();
      expect(await running).toMatchObject({ status: 'failed', shortMessage: 'aborted' });
      expect(Date.now() - started).toBeLessThan(4_000);
      started = Date.now();
      await queue.close();
      expect(Date.now() - started).toBeLessThan(4_000);
    } finally {
      await ownRedis.stop();
    }
  });

  it('throws EXECUTOR_UNAVAILABLE naming the redacted URL, and closes at once', async () => {
    const port = await freePort();
    const queue = createQueueExecutor({
      redisUrl: `redis://:s3cret-pass@127.0.0.1:${port}`,
      queueName: 'q',
      maxRetries: 0,
      stallTimeoutMs: 1_000,
    });
    const error = await queue.run(scratch.job({})).catch((caught: unknown) => caught);
    expect(AsiEvolveError.isInstance(error) && error.code).toBe('EXECUTOR_UNAVAILABLE');
    expect((error as Error).message).toContain(`Could not reach Redis at redis://[redacted]@127.0.0.1:${port}`);
    expect(`${(error as Error).message} ${(error as AsiEvolveError).hint}`).not.toContain('s3cret-pass');
    const started = Date.now();
    await queue.close();
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('refuses a queue name with a colon and a negative retry count', () => {
    expect(() =>
      createQueueExecutor({ redisUrl: 'redis://x', queueName: 'a:b', maxRetries: 0, stallTimeoutMs: 1 }),
    ).toThrow(/queueName/);
    expect(() =>
      createQueueExecutor({ redisUrl: 'redis://x', queueName: 'a', maxRetries: -1, stallTimeoutMs: 1 }),
    ).toThrow(/maxRetries/);
  });
});
