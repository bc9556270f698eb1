import { describe, expect, it } from 'vitest';
import { AsiEvolveError } from '../../errors.js';
import { probeRedis } from './connection.js';
import { redactRedisText, redactRedisUrl, redisUrlProblem } from './redis.js';
import { freePort } from '../../test-support/free-port.js';

describe('redactRedisUrl', () => {
  it('hides the password and user name, keeps where it points', () => {
    expect(redactRedisUrl('redis://:hunter2@cache.internal:6380/2')).toBe('redis://[redacted]@cache.internal:6380/2');
    expect(redactRedisUrl('rediss://admin:hunter2@cache:6379')).toBe('rediss://[redacted]@cache:6379');
    expect(redactRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactRedisUrl('not a url //u:hunter2@host')).not.toContain('hunter2');
  });
});

describe('redactRedisText', () => {
  it("takes the URL and its password out of a driver's message", () => {
    const url = 'redis://:p%40ss-w0rd@cache:6379';
    expect(redactRedisText(`cannot reach ${url}; AUTH p@ss-w0rd refused`, url)).toBe(
      'cannot reach redis://[redacted]@cache:6379; AUTH [redacted] refused',
    );
  });
});

describe('redisUrlProblem', () => {
  it('accepts redis:// and rediss:// URLs only', () => {
    expect(redisUrlProblem('redis://127.0.0.1:6379')).toBeNull();
    expect(redisUrlProblem('rediss://:pw@host:6380/1')).toBeNull();
    expect(redisUrlProblem('http://host')).toMatch(/redis:\/\//);
    expect(redisUrlProblem('127.0.0.1:6379')).not.toBeNull();
  });
});

describe('probeRedis', () => {
  it('fails fast with EXECUTOR_UNAVAILABLE, the URL redacted and a hint, when nothing listens', async () => {
    const port = await freePort();
    const started = Date.now();
    const error = await probeRedis(`redis://:s3cret-pass@127.0.0.1:${port}`).catch((caught: unknown) => caught);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(AsiEvolveError.isInstance(error) && error.code).toBe('EXECUTOR_UNAVAILABLE');
    const { message, hint } = error as AsiEvolveError;
    expect(message).toContain(`redis://[redacted]@127.0.0.1:${port}`);
    expect(message).toMatch(/ECONNREFUSED/);
    expect(`${message} ${hint}`).not.toContain('s3cret-pass');
    expect(hint).toMatch(/cluster\.queue\.redis_url/);
  });
});
