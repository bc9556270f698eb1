import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { isAbsolute, relative } from 'node:path';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { AsiEvolveError } from '../../errors.js';
import { runSandboxed, type EvaluationOutcome } from '../../evaluation/index.js';
import {
  abortedOutcome,
  cancelChannel,
  cancelKey,
  keyPrefix,
  lostOutcome,
  readJobData,
  type QueueJobData,
} from './protocol.js';
import { createRedisClient, loadQueueModules, probeRedis } from './connection.js';
import { bestEffort, redactRedisText } from './redis.js';

export interface QueueWorkerOptions {
  redisUrl: string;
  queueName: string;
  /** Evaluations run at once by this worker. Default 1. */
  concurrency?: number;
  /** Called as jobs end and on connection trouble (the CLI prints one line each). */
  onEvent?: (event: QueueWorkerEvent) => void;
}

/** `label`: the step folder, relative to the experiment folder when inside it. */
export type QueueWorkerEvent =
  | { type: 'finished'; jobId: string; label: string; outcome: EvaluationOutcome }
  /** The worker stopped: the evaluation was ended and the job put back for another worker. */
  | { type: 'handed-back'; jobId: string; label: string }
  /** The job could not be run here (it is retried, maybe elsewhere, up to its retry count). */
  | { type: 'refused'; jobId: string; label: string; message: string }
  /** The job's lock was lost (this worker was silent too long): another worker redoes it. */
  | { type: 'lock-lost'; jobId: string; label: string }
  | { type: 'error'; message: string };

export interface QueueWorker {
  /** `host:pid`, stored on each job it takes. */
  readonly name: string;
  /** Ends the running evaluations, puts their jobs back in the queue, and closes the connections. */
  close(): Promise<void>;
}

/** How often some worker looks for jobs whose worker went silent (a cheap script, run once per queue per interval). */
const stallCheckIntervalMs = 1_000;

function labelOf(data: QueueJobData | null, jobId: string): string {
  if (data === null) return jobId;
  const inside = relative(data.evaluation.experimentDir, data.evaluation.stepDir);
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : data.evaluation.stepDir;
}

/**
 * Renews the job's lock every third of its stall timeout (the first renewal sets the lock to
 * that timeout, whatever this worker's default) and watches for a cancellation that the
 * pub/sub message may have missed. Returns the stop function.
 */
function keepAlive(
  job: Job,
  token: string,
  client: Redis,
  queueName: string,
  stallTimeoutMs: number,
  on: { lost(): void; cancelled(): void },
): () => void {
  let busy = false;
  const tick = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      const renewed = await job.extendLock(token, stallTimeoutMs).catch(() => null);
      if (renewed === 0) on.lost();
      if ((await client.exists(cancelKey(queueName, job.id!)).catch(() => 0)) === 1) on.cancelled();
    } finally {
      busy = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), Math.max(100, Math.floor(stallTimeoutMs / 3)));
  return () => clearInterval(timer);
}

/**
 * Serves a BullMQ queue of evaluations (`asi-evolve worker`): each job's EvaluationJob runs with
 * `runSandboxed`, exactly as on the coordinator's machine, and its outcome is the job's result.
 *
 * - A job already tried more than its `maxRetries` (workers gone silent, or that threw) is not
 *   run again: its result is a `lost` outcome saying what happened.
 * - A job whose experiment folder (or, multi-file, project folder) does not exist here fails
 *   this try with a message saying that workers need it at the same path (a shared
 *   filesystem); the job is retried, maybe elsewhere.
 * - A cancellation from the coordinator ends the evaluation (outcome `signal`, "aborted").
 * - `close()` ends the running evaluations and puts their jobs back in the queue untouched.
 *
 * Throws EXECUTOR_UNAVAILABLE when Redis cannot be reached at the start.
 * @example
 * const worker = await startQueueWorker({ redisUrl, queueName: 'asi-evolve-demo', onEvent: print });
 * await worker.close();
 */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new AsiEvolveError('USAGE', `Expected \`concurrency\` to be a positive integer, got ${concurrency}`);
  }
  const modules = await loadQueueModules();
  const { UnrecoverableError, WaitingError, Worker } = modules.bullmq;
  await probeRedis(options.redisUrl);
  const { queueName } = options;
  const name = `${hostname()}:${process.pid}`;
  const emit = options.onEvent ?? (() => {});
  const shutdown = new AbortController();
  const cancellers = new Map<string, AbortController>();

  const client = createRedisClient(modules, options.redisUrl);
  const subscriber = createRedisClient(modules, options.redisUrl);
  let lastError = { message: '', at: 0 };
  const reportError = (error: unknown): void => {
    const message = redactRedisText(error instanceof Error ? error.message : String(error), options.redisUrl);
    // A Redis outage repeats the same error at every reconnection attempt.
    if (message === lastError.message && Date.now() - lastError.at < 30_000) return;
    lastError = { message, at: Date.now() };
    emit({ type: 'error', message });
  };
  client.on('error', reportError);
  subscriber.on('error', reportError);

  const processor = async (job: Job, token: string | undefined, signal?: AbortSignal): Promise<EvaluationOutcome> => {
    const jobId = job.id!;
    const read = readJobData(job.data);
    const label = labelOf('data' in read ? read.data : null, jobId);
    if (!('data' in read)) {
      emit({ type: 'refused', jobId, label, message: read.problem });
      throw new UnrecoverableError(read.problem);
    }
    const { evaluation, maxRetries, stallTimeoutMs } = read.data;
    const triedBefore = job.stalledCounter + job.attemptsMade;
    if (triedBefore > maxRetries) {
      const outcome = lostOutcome({
        jobId,
        stalls: job.stalledCounter,
        errors: job.attemptsMade,
        lastError: job.failedReason || null,
        stallTimeoutMs,
      });
      emit({ type: 'finished', jobId, label, outcome });
      return outcome;
    }
    if ((await client.exists(cancelKey(queueName, jobId))) === 1) {
      const outcome = abortedOutcome();
      emit({ type: 'finished', jobId, label, outcome });
      return outcome;
    }
    // A multi-file job's project (the workspace is built from it here) may lie outside the experiment.
    const needed = [
      ['experiment', evaluation.experimentDir],
      ...(evaluation.projectDir === undefined ? [] : [['project', evaluation.projectDir]]),
    ];
    for (const [what, folder] of needed) {
      if (existsSync(folder!)) continue;
      const message = `the ${what} folder ${folder} does not exist on worker ${name}: workers need it at the same path as the coordinator (a shared filesystem)`;
      emit({ type: 'refused', jobId, label, message });
      throw new Error(message);
    }

    const cancel = new AbortController();
    const lockLost = new AbortController();
    cancellers.set(jobId, cancel);
    const stopKeepAlive = keepAlive(job, token!, client, queueName, stallTimeoutMs, {
      lost: () => lockLost.abort(),
      cancelled: () => cancel.abort(),
    });
    const signals = [cancel.signal, lockLost.signal, shutdown.signal, ...(signal ? [signal] : [])];
    let outcome: EvaluationOutcome;
    try {
      outcome = await runSandboxed(evaluation, { abortSignal: AbortSignal.any(signals) });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      emit({ type: 'refused', jobId, label, message });
      throw error;
    } finally {
      stopKeepAlive();
      cancellers.delete(jobId);
    }
    if (lockLost.signal.aborted) {
      emit({ type: 'lock-lost', jobId, label });
      throw new Error(`worker ${name} lost the job's lock (silent for over ${stallTimeoutMs / 1000} s)`);
    }
    if (shutdown.signal.aborted && !cancel.signal.aborted && signal?.aborted !== true) {
      // Not the candidate's fault nor the coordinator's wish: another worker runs it, and no try is counted.
      await bestEffort(() => job.moveToWait(token), 5_000);
      emit({ type: 'handed-back', jobId, label });
      throw new WaitingError();
    }
    emit({ type: 'finished', jobId, label, outcome });
    return outcome;
  };

  const worker = new Worker(queueName, processor, {
    connection: client,
    prefix: keyPrefix,
    name,
    concurrency,
    // Each job's lock is renewed by its own keepAlive, at the stall timeout the coordinator chose.
    skipLockRenewal: true,
    stalledInterval: stallCheckIntervalMs,
    // Retries are counted by the processor against the job's maxRetries, never by this limit.
    maxStalledCount: 1_000_000,
  });
  worker.on('error', reportError);

  subscriber.on('message', (_channel: string, jobId: string) => cancellers.get(jobId)?.abort());
  try {
    await subscriber.subscribe(cancelChannel(queueName));
    await worker.waitUntilReady();
  } catch (error) {
    shutdown.abort();
    await bestEffort(() => worker.close(true), 2_000);
    subscriber.disconnect();
    client.disconnect();
    throw error;
  }

  let closing: Promise<void> | null = null;
  return {
    name,
    close() {
      closing ??= (async () => {
        shutdown.abort();
        await worker.close();
        await bestEffort(() => subscriber.quit(), 2_000);
        subscriber.disconnect();
        await bestEffort(() => client.quit(), 2_000);
        client.disconnect();
      })();
      return closing;
    },
  };
}
