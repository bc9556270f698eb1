import type { Redis } from 'ioredis';
import { AsiEvolveError } from '../../errors.js';
import { importOptional, type OptionalUse } from '../../optional-dependency.js';
import { redactSecrets } from '../../secrets.js';

/** The job queue's packages: optional, loaded at the first connection (never by a run that does not queue). */
export interface QueueModules {
  ioredis: typeof import('ioredis');
  bullmq: typeof import('bullmq');
}

const queueUse: OptionalUse = { feature: 'the job queue (cluster.executor: queue, asi-evolve worker)', packages: ['bullmq', 'ioredis'], key: 'cluster.executor' };
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

/** Where `asi-evolve worker` and `cluster.queue.redis_url` point when nothing else is given. */
export const defaultRedisUrl = 'redis://127.0.0.1:6379';

/**
 * The URL with its password (and a user name that may carry a token) replaced, for messages.
 * Text that is not a URL is reduced to what cannot hold a secret.
 * @example redactRedisUrl('redis://:hunter2@cache:6379/0') // 'redis://[redacted]@cache:6379/0'
 */
export function redactRedisUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/\/\/[^/@\s]*@/, '//[redacted]@');
  }
  const userInfo = parsed.username !== '' || parsed.password !== '' ? '[redacted]@' : '';
  return `${parsed.protocol}//${userInfo}${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
}

/** Null when `url` is a Redis URL (`redis://` or `rediss://`), otherwise what it must be. */
export function redisUrlProblem(url: string): string | null {
  try {
    const { protocol } = new URL(url);
    if (protocol === 'redis:' || protocol === 'rediss:') return null;
  } catch {
    // not a URL
  }
  return 'a URL such as redis://[:password@]host:6379[/db] (rediss:// for TLS)';
}

/** `text` with the Redis URL shown redacted and its password taken out wherever else it appears. */
export function redactRedisText(text: string, url: string): string {
  let password: string | undefined;
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    // not a URL: the patterns alone
  }
  return redactSecrets(text.split(url).join(redactRedisUrl(url)), [password]);
}

function unavailable(url: string, what: string, cause: unknown): AsiEvolveError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new AsiEvolveError('EXECUTOR_UNAVAILABLE', `Could not reach Redis at ${redactRedisUrl(url)}${what}: ${redactRedisText(reason, url)}`, {
    hint: 'Start Redis there (e.g. `redis-server`), or point cluster.queue.redis_url (worker: --redis or REDIS_URL) at a running one; check its password.',
  });
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

/** Runs `operation`, giving up after `timeoutMs` (Redis gone mid-run must not block a stop); never throws. */
export async function bestEffort(operation: () => Promise<unknown>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    operation().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    }),
  ]);
  clearTimeout(timer);
}
