import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import type { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { AsiEvolveError } from '../../errors.js';
import type { EvaluationJob, EvaluationOutcome } from '../../evaluation/index.js';
import type { Executor } from '../executor.js';
import { trackRuns } from '../tracked-runs.js';
import {
  abortedOutcome,
  cancelChannel,
  cancelKey,
  evaluationJobName,
  isEvaluationOutcome,
  keyPrefix,
  lostOutcome,
  queueNameProblem,
  queueProtocol,
  type QueueJobData,
} from './protocol.js';
import { createRedisClient, loadQueueModules, probeRedis, type QueueModules } from './connection.js';
import { bestEffort, redactRedisUrl } from './redis.js';

export interface QueueExecutorOptions {
  /** `cluster.queue.redis_url`; its password is never printed nor sent to a candidate. */
  redisUrl: string;
  /** The queue that `asi-evolve worker --queue NAME` serves. */
  queueName: string;
  /** `cluster.max_retries`: tries after the first before the evaluation is a `lost` failure. */
  maxRetries: number;
  /** `cluster.queue.stall_timeout` in ms: a worker silent this long is presumed gone. */
  stallTimeoutMs: number;
  /** How often each job's state is read, in case a finish notification was missed. Default 5000. */
  pollIntervalMs?: number;
  /** Told once per job that no worker has taken it after `waitingNoticeMs`, so a run never waits in silence. */
  notify?: (message: string) => void;
  /** @default 60 000 */
  waitingNoticeMs?: number;
}

interface Connection {
  modules: QueueModules;
  client: Redis;
  queue: Queue;
  events: QueueEvents;
  /** Woken by the queue's completed/failed events, by job id. */
  waiters: Map<string, () => void>;
}

/** Finished jobs are kept a while (for `redis-cli` inspection), then dropped by BullMQ. */
const keepFinished = { removeOnComplete: { age: 3_600 }, removeOnFail: { age: 24 * 3_600 } };

function untilAborted(signal: AbortSignal): Promise<'aborted'> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve('aborted');
    else signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
}

/**
 * An executor that puts each evaluation on a BullMQ queue in Redis, for `asi-evolve worker`s on
 * other machines (docs/architecture.md, “Beyond one machine”), and returns the outcome the worker sends back.
 *
 * - A job whose worker went silent past `stallTimeoutMs`, or whose worker threw, is tried again
 *   by another worker, `maxRetries` times at most; then the outcome is `lost`, saying what happened.
 * - Redis is first reached at the first `run()`: unreachable, that call throws EXECUTOR_UNAVAILABLE
 *   with the URL redacted (the next call tries again).
 * - An aborted run removes its job if no worker has it yet, otherwise tells the worker to end it,
 *   and resolves at once with `signal`, "aborted". `close()` does that to every run in flight and
 *   closes the connections.
 *
 * @example
 * const executor = createQueueExecutor({ redisUrl: 'redis://127.0.0.1:6379', queueName: 'asi-evolve-demo', maxRetries: 2, stallTimeoutMs: 30_000 });
 * const outcome = await executor.run(job);
 * await executor.close();
 */
export function createQueueExecutor(options: QueueExecutorOptions): Executor {
  const { redisUrl, queueName, maxRetries, stallTimeoutMs } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 5_000;
  const waitingNoticeMs = options.waitingNoticeMs ?? 60_000;
  const nameProblem = queueNameProblem(queueName);
  if (nameProblem !== null)
    throw new AsiEvolveError('USAGE', `Expected \`queueName\` to be ${nameProblem}, got ${JSON.stringify(queueName)}`);
  if (!Number.isInteger(maxRetries) || maxRetries < 0)
    throw new AsiEvolveError('USAGE', `Expected \`maxRetries\` to be an integer >= 0, got ${maxRetries}`);
  if (!(stallTimeoutMs > 0))
    throw new AsiEvolveError('USAGE', `Expected \`stallTimeoutMs\` to be positive, got ${stallTimeoutMs}`);

  const runs = trackRuns(`The queue executor (queue ${queueName})`);
  let connecting: Promise<Connection> | null = null;

  async function open(): Promise<Connection> {
    const modules = await loadQueueModules();
    const { Queue, QueueEvents } = modules.bullmq;
    await probeRedis(redisUrl);
    const client = createRedisClient(modules, redisUrl);
    // Outages show as runs that wait; the events themselves have no one to tell.
    client.on('error', () => {});
    const queue = new Queue(queueName, { connection: client, prefix: keyPrefix });
    queue.on('error', () => {});
    // Short blocking reads: should Redis vanish, BullMQ's watchdog on a stuck read (its timeout
    // + 1 s) keeps the process alive that long after close().
    const events = new QueueEvents(queueName, { connection: client, prefix: keyPrefix, blockingTimeout: 2_000 });
    events.on('error', () => {});
    const waiters = new Map<string, () => void>();
    const wake = ({ jobId }: { jobId: string }): void => waiters.get(jobId)?.();
    events.on('completed', wake);
    events.on('failed', wake);
    try {
      await queue.waitUntilReady();
      // Listening before any job is added, so that no finish goes unheard.
      await events.waitUntilReady();
    } catch (error) {
      await bestEffort(() => events.disconnect(), 1_000);
      client.disconnect();
      throw error;
    }
    return { modules, client, queue, events, waiters };
  }

  function connect(): Promise<Connection> {
    connecting ??= open().catch((error: unknown) => {
      connecting = null;
      throw error;
    });
    return connecting;
  }

  /** The outcome of a finished job, or null while it is not finished. */
  async function finishedOutcome(connection: Connection, jobId: string): Promise<EvaluationOutcome | null> {
    // The state first, then the job: read the other way round, the job's fields could predate a
    // finish that the state already shows (a completed job with no return value yet).
    const state = await connection.queue.getJobState(jobId);
    if (state !== 'completed' && state !== 'failed') {
      return state === 'unknown'
        ? lostOutcome({ jobId, stalls: 0, errors: 0, lastError: 'it disappeared from the queue', stallTimeoutMs })
        : null;
    }
    const job = await connection.modules.bullmq.Job.fromId(connection.queue, jobId);
    if (job === undefined)
      return lostOutcome({ jobId, stalls: 0, errors: 0, lastError: 'it disappeared from the queue', stallTimeoutMs });
    if (state === 'completed') {
      return isEvaluationOutcome(job.returnvalue)
        ? job.returnvalue
        : lostOutcome({
            jobId,
            stalls: job.stalledCounter,
            errors: 1,
            lastError: 'the worker sent back something that is not an outcome',
            stallTimeoutMs,
          });
    }
    if (state === 'failed') {
      return lostOutcome({
        jobId,
        stalls: job.stalledCounter,
        errors: job.attemptsMade,
        lastError: job.failedReason || null,
        stallTimeoutMs,
      });
    }
    return null;
  }

  /**
   * Resolves with the job's outcome once it is finished. Listens at once (the finish may come
   * soon after the job is added); `poll()` starts the periodic reads, once the job exists.
   */
  function awaitFinish(
    connection: Connection,
    jobId: string,
  ): { finished: Promise<EvaluationOutcome>; poll(): void; stop(): void } {
    let stop = (): void => {};
    let poll = (): void => {};
    const finished = new Promise<EvaluationOutcome>((resolve) => {
      let checking = false;
      let again = false;
      const check = async (): Promise<void> => {
        if (checking) {
          again = true;
          return;
        }
        checking = true;
        try {
          do {
            again = false;
            const outcome = await finishedOutcome(connection, jobId).catch(() => null);
            if (outcome !== null) {
              stop();
              resolve(outcome);
              return;
            }
          } while (again);
        } finally {
          checking = false;
        }
      };
      let timer: NodeJS.Timeout | undefined;
      poll = () => {
        timer ??= setInterval(() => void check(), pollIntervalMs);
      };
      stop = () => {
        clearInterval(timer);
        connection.waiters.delete(jobId);
      };
      connection.waiters.set(jobId, () => void check());
    });
    return { finished, poll: () => poll(), stop: () => stop() };
  }

  /** Takes the job out of the queue, or tells the worker that holds it to end it; bounded, never throws. */
  async function cancel(connection: Connection, jobId: string): Promise<void> {
    // While Redis is away the commands wait in the client for its return; the run does not.
    await bestEffort(
      async () => {
        // The key first: a worker taking the job from now on sees it before running anything.
        await connection.client.set(cancelKey(queueName, jobId), '1', 'EX', 24 * 3_600);
        await connection.client.publish(cancelChannel(queueName), jobId);
        await connection.queue.remove(jobId);
      },
      connection.client.status === 'ready' ? 2_000 : 0,
    );
  }

  /** Tells the user when a job is still waiting for a worker: none may be running. */
  async function noticeIfWaiting(connection: Connection, jobId: string, job: EvaluationJob): Promise<void> {
    let state: string | undefined;
    await bestEffort(async () => {
      state = await connection.queue.getJobState(jobId);
    }, 2_000);
    if (state !== 'waiting' && state !== 'prioritized') return;
    options.notify?.(
      `${basename(job.stepDir)} has waited ${Math.round(waitingNoticeMs / 1000)} s for a worker on queue ${queueName}: is \`asi-evolve worker --queue ${queueName}\` running where it can reach ${redactRedisUrl(redisUrl)}?`,
    );
  }

  async function runOne(job: EvaluationJob, stopSignal: AbortSignal): Promise<EvaluationOutcome> {
    if (stopSignal.aborted) return abortedOutcome();
    const aborted = untilAborted(stopSignal);
    const connection = await Promise.race([connect(), aborted]);
    if (connection === 'aborted') return abortedOutcome();

    const jobId = `${basename(job.stepDir).replace(/[^A-Za-z0-9._-]+/g, '-')}-${randomUUID().slice(0, 8)}`;
    const waiting = awaitFinish(connection, jobId);
    const data: QueueJobData = { protocol: queueProtocol, evaluation: job, maxRetries, stallTimeoutMs };
    try {
      // Raced with the stop: with Redis gone, adding waits for its return, and a stop must not.
      const adding = connection.queue.add(evaluationJobName, data, {
        jobId,
        attempts: maxRetries + 1,
        ...keepFinished,
      });
      adding.catch(() => {});
      if ((await Promise.race([adding, aborted])) === 'aborted') {
        await cancel(connection, jobId);
        return abortedOutcome();
      }
      waiting.poll();
      const noticeTimer =
        options.notify === undefined
          ? undefined
          : setTimeout(() => void noticeIfWaiting(connection, jobId, job), waitingNoticeMs);
      const result = await Promise.race([waiting.finished, aborted]).finally(() => clearTimeout(noticeTimer));
      if (result !== 'aborted') return result;
      await cancel(connection, jobId);
      return abortedOutcome();
    } finally {
      waiting.stop();
    }
  }

  return {
    name: 'queue',
    description: `queue ${queueName} on ${redactRedisUrl(redisUrl)}, served by \`asi-evolve worker --queue ${queueName}\` on each machine; a lost job is retried up to ${maxRetries} time(s)`,
    run(job: EvaluationJob, runOptions: { abortSignal?: AbortSignal } = {}): Promise<EvaluationOutcome> {
      return runs.start(runOptions.abortSignal, (stopSignal) => runOne(job, stopSignal));
    },
    async close(): Promise<void> {
      await runs.close();
      const connection = await connecting?.catch(() => null);
      if (!connection) return;
      // With Redis away a graceful close would wait for its return: the connections are just dropped.
      const grace = connection.client.status === 'ready' ? 3_000 : 0;
      await bestEffort(() => connection.events.close(), grace);
      await bestEffort(() => connection.queue.close(), grace);
      await bestEffort(() => connection.client.quit(), grace);
      connection.client.disconnect();
      // QueueEvents owns a second connection; should its close have timed out, this drops it.
      await bestEffort(() => connection.events.disconnect(), 1_000);
    },
  };
}
