import { redactSecrets } from '../../secrets.js';

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
