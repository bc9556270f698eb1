import { afterEach, describe, expect, it } from 'vitest';
import { LlmCallError, LlmRetriesExhaustedError } from '../errors.js';
import { createOpenAICompatible } from '../providers/openai-compatible.js';
import { createScriptedModel } from '../test-support/scripted.js';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../test-support/fake-openai-server.js';
import { withRetry, type RetryInfo } from './retry.js';

const ask = { messages: [{ role: 'user' as const, content: 'Hello' }] };
const retryable = (message: string, retryAfterMs?: number) =>
  new LlmCallError(message, {
    reason: 'http',
    statusCode: 503,
    isRetryable: true,
    provider: 'p',
    modelId: 'm',
    retryAfterMs,
  });

function recordingSleep() {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
}

describe('withRetry over the real SDK', () => {
  let server: FakeOpenAIServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('waits what Retry-After asks after a 429, then succeeds', async () => {
    server = await startFakeOpenAIServer([{ status: 429, retryAfter: 1 }, { text: 'after the wait' }]);
    const { delays, sleep } = recordingSleep();
    const retries: RetryInfo[] = [];
    const model = withRetry(createOpenAICompatible({ baseURL: server.url, apiKey: 'k', modelId: 'gpt-4o' }), {
      maxRetries: 3,
      baseDelayMs: 10,
      sleep,
      onRetry: (info) => retries.push(info),
    });
    expect((await model.generate(ask)).text).toBe('after the wait');
    expect(delays).toEqual([1000]);
    expect(retries.map((info) => [info.attempt, info.error.statusCode, info.delayMs])).toEqual([[1, 429, 1000]]);
    expect(server.requests).toHaveLength(2);
  });

  it('retries a 500 with backoff, then succeeds', async () => {
    server = await startFakeOpenAIServer([{ status: 500 }, { status: 502 }, { text: 'third time' }]);
    const { delays, sleep } = recordingSleep();
    const model = withRetry(createOpenAICompatible({ baseURL: server.url, apiKey: 'k', modelId: 'gpt-4o' }), {
      maxRetries: 3,
      baseDelayMs: 100,
      random: () => 0.999999,
      sleep,
    });
    expect((await model.generate(ask)).text).toBe('third time');
    expect(delays).toEqual([100, 200]);
  });

  it('stops at once on a 401 and throws the provider error itself', async () => {
    server = await startFakeOpenAIServer([{ status: 401, message: 'Invalid key' }, { text: 'never' }]);
    const { delays, sleep } = recordingSleep();
    const model = withRetry(createOpenAICompatible({ baseURL: server.url, apiKey: 'k', modelId: 'gpt-4o' }), {
      maxRetries: 5,
      baseDelayMs: 1,
      sleep,
    });
    const error = await model.generate(ask).catch((caught: unknown) => caught);
    expect(LlmCallError.isInstance(error)).toBe(true);
    expect((error as LlmCallError).isRetryable).toBe(false);
    expect((error as LlmCallError).message).toContain('Invalid key');
    expect(delays).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });
});

describe('withRetry', () => {
  it('gives up after maxRetries + 1 attempts with every error', async () => {
    const errors = [retryable('one'), retryable('two'), retryable('three')];
    const { sleep } = recordingSleep();
    const model = withRetry(createScriptedModel([...errors, 'unused']), { maxRetries: 2, baseDelayMs: 1, sleep });
    const error = await model.generate(ask).catch((caught: unknown) => caught);
    expect(LlmRetriesExhaustedError.isInstance(error)).toBe(true);
    const exhausted = error as LlmRetriesExhaustedError;
    expect(exhausted.errors).toEqual(errors);
    expect(exhausted.lastError).toBe(errors[2]);
    expect(exhausted.message).toContain('three');
  });

  it('grows the delay exponentially with jitter in [half, full], capped at maxDelayMs', async () => {
    const draws = [0, 0.5, 0.999999, 0.999999];
    const { delays, sleep } = recordingSleep();
    const model = withRetry(
      createScriptedModel([retryable('a'), retryable('b'), retryable('c'), retryable('d'), 'ok']),
      {
        maxRetries: 4,
        baseDelayMs: 1000,
        maxDelayMs: 5000,
        random: () => draws.shift() ?? 0,
        sleep,
      },
    );
    await model.generate(ask);
    expect(delays).toEqual([500, 1500, 4000, 5000]);
  });

  it('ignores a Retry-After above the cap and uses backoff instead', async () => {
    const { delays, sleep } = recordingSleep();
    const model = withRetry(createScriptedModel([retryable('slow down', 600_000), 'ok']), {
      maxRetries: 1,
      baseDelayMs: 100,
      random: () => 0,
      sleep,
    });
    await model.generate(ask);
    expect(delays).toEqual([50]);
  });

  it('throws other errors as they are, without retrying', async () => {
    const bug = new TypeError('a bug');
    const inner = createScriptedModel([bug, 'unused']);
    await expect(withRetry(inner, { maxRetries: 3, baseDelayMs: 0 }).generate(ask)).rejects.toBe(bug);
    expect(inner.calls).toHaveLength(1);
  });

  it('never retries an abort, even a retryable-looking one, and stops waiting when aborted', async () => {
    const controller = new AbortController();
    const stopped = new Error('caller stopped');
    const inner = createScriptedModel([
      () => {
        controller.abort(stopped);
        throw retryable('raced with the abort');
      },
      'unused',
    ]);
    await expect(
      withRetry(inner, { maxRetries: 3, baseDelayMs: 0 }).generate({ ...ask, abortSignal: controller.signal }),
    ).rejects.toBe(stopped);
    expect(inner.calls).toHaveLength(1);

    // Aborted during the backoff wait (real timer, cleared by the abort).
    const waiting = new AbortController();
    const slow = createScriptedModel([retryable('first'), 'unused']);
    const call = withRetry(slow, { maxRetries: 1, baseDelayMs: 60_000 }).generate({
      ...ask,
      abortSignal: waiting.signal,
    });
    const reason = new Error('stop waiting');
    await new Promise((resolve) => setImmediate(resolve));
    waiting.abort(reason);
    await expect(call).rejects.toBe(reason);
    expect(slow.calls).toHaveLength(1);
  });

  it('passes the same options object to every attempt of one call', async () => {
    const inner = createScriptedModel([retryable('a'), 'ok']);
    const options = { ...ask };
    await withRetry(inner, { maxRetries: 1, baseDelayMs: 0 }).generate(options);
    expect(inner.calls[0]).toBe(inner.calls[1]);
    expect(inner.calls[0]).not.toBe(options);
  });

  it('checks its options on entry', () => {
    const inner = createScriptedModel([]);
    expect(() => withRetry(inner, { maxRetries: -1, baseDelayMs: 0 })).toThrow(/Expected `maxRetries`/);
    expect(() => withRetry(inner, { maxRetries: 1, baseDelayMs: Number.NaN })).toThrow(/Expected `baseDelayMs`/);
  });
});
