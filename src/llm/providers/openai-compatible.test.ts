import { afterEach, describe, expect, it } from 'vitest';
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeReply } from '../test-support/fake-openai-server.js';
import { callFailure } from '../test-support/call-failure.js';
import { runModelCases } from '../test-support/model-cases.js';
import { createOpenAICompatible, type OpenAICompatibleOptions } from './openai-compatible.js';

const secret = 'sk-test-SECRET-1234567890';
const ask = { messages: [{ role: 'user' as const, content: 'Hello' }] };

runModelCases('openai-compatible', async (texts) => {
  const server = await startFakeOpenAIServer(texts.map((text) => ({ text })));
  return {
    model: createOpenAICompatible({ baseURL: server.url, apiKey: secret, modelId: 'gpt-4o' }),
    close: server.close,
  };
});

describe('createOpenAICompatible', () => {
  let server: FakeOpenAIServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function modelFor(script: FakeReply[], options: Partial<OpenAICompatibleOptions> = {}) {
    server = await startFakeOpenAIServer(script);
    return createOpenAICompatible({ baseURL: server.url, apiKey: secret, modelId: 'gpt-4o', ...options });
  }

  it('maps text, finish reason, usage and response ids of a completion', async () => {
    const model = await modelFor([
      {
        text: 'def solve(): pass',
        finishReason: 'length',
        model: 'gpt-4o-2024-08-06',
        id: 'chatcmpl-42',
        usage: { prompt_tokens: 120, completion_tokens: 30, cached_tokens: 64 },
      },
    ]);
    const result = await model.generate(ask);
    expect(result.text).toBe('def solve(): pass');
    expect(result.finishReason).toEqual({ unified: 'length', raw: 'length' });
    expect(result.usage).toEqual({ inputTokens: 120, cachedInputTokens: 64, outputTokens: 30 });
    expect(result.response).toEqual({ id: 'chatcmpl-42', modelId: 'gpt-4o-2024-08-06' });
    expect(server?.requests[0]?.path).toBe('/v1/chat/completions');
    expect(server?.requests[0]?.headers.authorization).toBe(`Bearer ${secret}`);
  });

  it('sends system, messages, defaults and settings, and passes providerOptions.openai through', async () => {
    const model = await modelFor([{ text: 'a' }, { text: 'b' }], { defaultTemperature: 0.7, defaultMaxTokens: 512 });
    await model.generate({ system: 'You are a researcher.', ...ask, seed: 7, stop: ['END'] });
    await model.generate({
      ...ask,
      temperature: 0.1,
      providerOptions: { openai: { max_completion_tokens: 2048, reasoning_effort: 'high', temperature: null } },
    });
    expect(server?.requests[0]?.body).toEqual({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'You are a researcher.' },
        { role: 'user', content: 'Hello' },
      ],
      temperature: 0.7,
      max_tokens: 512,
      seed: 7,
      stop: ['END'],
      stream: false,
    });
    expect(server?.requests[1]?.body).toEqual({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Hello' }],
      max_completion_tokens: 2048,
      reasoning_effort: 'high',
      stream: false,
    });
  });

  it('sends a placeholder key when none is needed', async () => {
    const model = await modelFor([{ text: 'ok' }], { apiKey: undefined });
    expect((await model.generate(ask)).text).toBe('ok');
    expect(server?.requests[0]?.headers.authorization).toBe('Bearer no-key');
  });

  it('stops on 401 with the provider message, not retryable, without the key', async () => {
    const model = await modelFor([{ status: 401, message: `Incorrect API key provided: ${secret}.` }]);
    const error = await callFailure(model.generate(ask));
    expect(error.statusCode).toBe(401);
    expect(error.isRetryable).toBe(false);
    expect(error.reason).toBe('http');
    expect(error.message).toContain('Incorrect API key provided');
    expect(error.message).not.toContain(secret);
    expect((error.cause as Error).message).not.toContain(secret);
    expect(server?.requests).toHaveLength(1);
  });

  it('marks 429 retryable with the Retry-After delay, and 500 retryable', async () => {
    const model = await modelFor([
      { status: 429, retryAfter: 1, message: 'Rate limit reached' },
      { status: 429, retryAfterMs: 250 },
      { status: 500 },
      { status: 404, message: 'The model does not exist' },
    ]);
    const limited = await callFailure(model.generate(ask));
    expect([limited.statusCode, limited.isRetryable, limited.retryAfterMs]).toEqual([429, true, 1000]);
    expect(limited.message).toContain('Rate limit reached');
    expect((await callFailure(model.generate(ask))).retryAfterMs).toBe(250);
    const serverError = await callFailure(model.generate(ask));
    expect([serverError.statusCode, serverError.isRetryable, serverError.retryAfterMs]).toEqual([500, true, undefined]);
    const missing = await callFailure(model.generate(ask));
    expect([missing.statusCode, missing.isRetryable]).toEqual([404, false]);
    // The SDK's own retries are off: one request per call.
    expect(server?.requests).toHaveLength(4);
  });

  it('treats a malformed body or a body without choices as a retryable invalid response', async () => {
    const model = await modelFor([{ malformed: true }, { status: 200, body: { id: 'x', choices: [] } }]);
    const malformed = await callFailure(model.generate(ask));
    expect([malformed.reason, malformed.isRetryable]).toEqual(['invalid-response', true]);
    const empty = await callFailure(model.generate(ask));
    expect([empty.reason, empty.isRetryable]).toEqual(['invalid-response', true]);
  });

  it('turns the SDK timeout into a retryable timeout error', async () => {
    const model = await modelFor([{ hang: true }], { timeoutMs: 200 });
    const error = await callFailure(model.generate(ask));
    expect([error.reason, error.isRetryable]).toEqual(['timeout', true]);
  });

  it('keeps waiting under a time limit longer than the longest Node timer (not a 1 ms timeout)', async () => {
    const model = await modelFor([{ hang: true }], { timeoutMs: 99_999_999_000 });
    const controller = new AbortController();
    const settled = model.generate({ ...ask, abortSignal: controller.signal }).then(
      () => 'answered',
      () => 'rejected',
    );
    const outcome = await Promise.race([settled, new Promise((resolve) => setTimeout(() => resolve('pending'), 200))]);
    expect(outcome).toBe('pending');
    controller.abort();
    expect(await settled).toBe('rejected');
  });

  it('reports a refused connection as a retryable connection error', async () => {
    server = await startFakeOpenAIServer([]);
    const baseURL = server.url;
    await server.close();
    server = undefined;
    const model = createOpenAICompatible({ baseURL, apiKey: secret, modelId: 'gpt-4o' });
    const error = await callFailure(model.generate(ask));
    expect([error.reason, error.isRetryable]).toEqual(['connection', true]);
  });

  it('keeps a key carried in the base URL (query or user info) out of error messages', async () => {
    await modelFor([{ status: 500, message: 'upstream down' }]);
    const url = new URL(server?.url ?? '');
    const keyed = createOpenAICompatible({
      baseURL: `${url.origin}${url.pathname}?key=QUERY-SECRET-42`,
      apiKey: secret,
      modelId: 'gpt-4o',
    });
    const answered = await callFailure(keyed.generate(ask));
    expect(answered.statusCode).toBe(500);
    expect(answered.message).toContain(url.host);
    expect(answered.message).not.toContain('QUERY-SECRET-42');
    const withUser = `${url.protocol}//proxy-user:USERINFO-SECRET-7@${url.host}${url.pathname}`;
    const refused = await callFailure(
      createOpenAICompatible({ baseURL: withUser, apiKey: secret, modelId: 'gpt-4o' }).generate(ask),
    );
    expect(refused.message).not.toContain('USERINFO-SECRET-7');
    for (let cause: unknown = refused; cause instanceof Error; cause = cause.cause)
      expect(cause.message).not.toContain('USERINFO-SECRET-7');
  });

  it('rejects with the abort reason when the caller aborts mid-call', async () => {
    const model = await modelFor([{ hang: true }]);
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const call = model.generate({ ...ask, abortSignal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
  });

  it('uses an injected fetch', async () => {
    const seen: string[] = [];
    const model = await modelFor([{ text: 'via injected fetch' }], {
      fetch: (input, init) => {
        seen.push(String(input));
        return fetch(input, init);
      },
    });
    expect((await model.generate(ask)).text).toBe('via injected fetch');
    expect(seen).toEqual([`${server?.url}/chat/completions`]);
  });
});
