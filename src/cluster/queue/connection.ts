import type { Redis } from 'ioredis';
import { AsiEvolveError } from '../../errors.js';
import { importOptional, type OptionalUse } from '../../optional-dependency.js';
import { redactRedisText, redactRedisUrl } from './redis.js';

// Apart from redis.ts so that the package's type declarations reach ioredis and BullMQ only
// through files a library user never imports: the queue's packages are optional.

/** The job queue's packages: optional, loaded at the first connection (never by a run that does not queue). */
export interface QueueModules {
  ioredis: typeof import('ioredis');
  bullmq: typeof import('bullmq');
}

const queueUse: OptionalUse = {
  feature: 'the job queue (cluster.executor: queue, asi-evolve worker)',
  packages: ['bullmq', 'ioredis'],
  key: 'cluster.executor',
};
let queueModules: Promise<QueueModules> | undefined;

/** Loads ioredis and BullMQ once; throws DEPENDENCY_MISSING naming the package and its install command. */
export function loadQueueModules(): Promise<QueueModules> {
  // ioredis first: BullMQ imports it, and a missing ioredis should be named as such.
  queueModules ??= importOptional<QueueModules['ioredis']>('ioredis', queueUse)
    .then(async (ioredis) => ({ ioredis, bullmq: await importOptional<QueueModules['bullmq']>('bullmq', queueUse) }))
    .catch((error: unknown) => {
      queueModules = undefined;
      throw error;
    });
  return queueModules;
}

function unavailable(url: string, what: string, cause: unknown): AsiEvolveError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new AsiEvolveError(
    'EXECUTOR_UNAVAILABLE',
    `Could not reach Redis at ${redactRedisUrl(url)}${what}: ${redactRedisText(reason, url)}`,
    {
      hint: 'Start Redis there (e.g. `redis-server`), or point cluster.queue.redis_url (worker: --redis or REDIS_URL) at a running one; check its password.',
    },
  );
}

/**
 * A client for BullMQ. `maxRetriesPerRequest: null`: a command waits through a reconnection
 * instead of failing, which BullMQ's blocking calls need; reachability is checked beforehand by
 * {@link probeRedis}, so nothing waits on a server that was never there.
 */
export function createRedisClient(modules: QueueModules, url: string): Redis {
  return new modules.ioredis.Redis(url, { maxRetriesPerRequest: null });
}

/**
 * Connects once, without retrying, and sends PING; throws EXECUTOR_UNAVAILABLE naming the
 * redacted URL when Redis cannot be reached (or refuses the password) within `timeoutMs`.
 */
export async function probeRedis(url: string, timeoutMs = 5_000): Promise<void> {
  const { ioredis } = await loadQueueModules();
  let client: Redis;
  try {
    client = new ioredis.Redis(url, {
      lazyConnect: true,
      connectTimeout: timeoutMs,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
      // Otherwise a failed socket keeps the process alive for 2 s after the error.
      disconnectTimeout: 0,
    });
  } catch (error) {
    throw unavailable(url, ' (the URL is not valid)', error);
  }
  // connect() rejects with a bare "Connection is closed"; the cause (ECONNREFUSED, WRONGPASS…) comes as an event.
  let cause: unknown = null;
  client.on('error', (error: unknown) => (cause ??= error));
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    await Promise.race([client.connect().then(() => client.ping()), timeout]);
  } catch (error) {
    throw unavailable(url, '', cause ?? error);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}
