import { afterEach, describe, expect, it } from 'vitest';
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeReply } from '../test-support/fake-openai-server.js';
import { callFailure } from '../test-support/call-failure.js';
import { runModelCases } from '../test-support/model-cases.js';
import { createOpenAICompatible, type OpenAICompatibleOptions } from './openai-compatible.js';

const ask = { messages: [{ role: 'user' as const, content: 'Hello' }] };

runModelCases('openai-compatible, streamed', async (texts) => {
  const server = await startFakeOpenAIServer(texts.map((text) => ({ text })));
  return {
    model: createOpenAICompatible({ baseURL: server.url, apiKey: 'k', modelId: 'gpt-4o', stream: true }),
    close: server.close,
  };
});

describe('createOpenAICompatible with stream: true', () => {
  let server: FakeOpenAIServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function modelFor(script: FakeReply[], options: Partial<OpenAICompatibleOptions> = {}) {
    server = await startFakeOpenAIServer(script);
    return createOpenAICompatible({ baseURL: server.url, apiKey: 'k', modelId: 'gpt-4o', stream: true, ...options });
  }

  it('joins the deltas and takes usage, finish reason and ids from the chunks', async () => {
    const text = 'def solve():\n    return 42  # a longer answer split into many chunks';
    const model = await modelFor([
      {
        text,
        finishReason: 'length',
        model: 'gpt-4o-2024-08-06',
        id: 'chatcmpl-s',
        usage: { prompt_tokens: 40, completion_tokens: 17, cached_tokens: 8 },
      },
    ]);
    const result = await model.generate(ask);
    expect(result.text).toBe(text);
    expect(result.finishReason).toEqual({ unified: 'length', raw: 'length' });
    expect(result.usage).toEqual({ inputTokens: 40, cachedInputTokens: 8, outputTokens: 17 });
    expect(result.response).toEqual({ id: 'chatcmpl-s', modelId: 'gpt-4o-2024-08-06' });
    expect(server?.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('abandons a stream that stops halfway with a retryable timeout naming the chunks received', async () => {
    const model = await modelFor([{ text: 'this answer never finishes arriving', stallAfter: 3 }], {
      idleTimeoutMs: 200,
    });
    const error = await callFailure(model.generate(ask));
    expect([error.reason, error.isRetryable]).toEqual(['timeout', true]);
    expect(error.message).toContain('stopped sending after 3 chunks');
  });

  it('abandons a connection that is accepted and never answered', async () => {
    const model = await modelFor([{ hang: true }], { idleTimeoutMs: 200 });
    const error = await callFailure(model.generate(ask));
    expect([error.reason, error.isRetryable]).toEqual(['timeout', true]);
    expect(error.message).toContain('sent nothing for 200 ms');
  });

  it('treats a stream closed before its finish reason as a retryable invalid response', async () => {
    const model = await modelFor([{ text: 'cut short in the middle', cutAfter: 2 }]);
    const error = await callFailure(model.generate(ask));
    expect([error.reason, error.isRetryable]).toEqual(['invalid-response', true]);
    expect(error.message).toContain('without a finish reason');
  });

  it('maps an HTTP error before the stream starts like a plain call', async () => {
    const model = await modelFor([
      { status: 429, retryAfter: 2, message: 'Rate limit reached' },
      { status: 404, message: 'The model does not exist' },
    ]);
    const limited = await callFailure(model.generate(ask));
    expect([limited.statusCode, limited.isRetryable, limited.retryAfterMs]).toEqual([429, true, 2000]);
    const missing = await callFailure(model.generate(ask));
    expect([missing.statusCode, missing.isRetryable]).toEqual([404, false]);
    expect(missing.message).toContain('The model does not exist');
  });

  it("rejects with the caller's reason when aborted mid-stream, not with a timeout", async () => {
    const model = await modelFor([{ text: 'slow', stallAfter: 1 }], { idleTimeoutMs: 60_000 });
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const call = model.generate({ ...ask, abortSignal: controller.signal });
    while ((server?.requests.length ?? 0) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
  });
});

describe('reasoning model parameters', () => {
  let server: FakeOpenAIServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('sends max_completion_tokens instead of max_tokens, and reasoning_effort', async () => {
    server = await startFakeOpenAIServer([{ text: 'a' }, { text: 'b' }]);
    const model = createOpenAICompatible({
      baseURL: server.url,
      apiKey: 'k',
      modelId: 'o4-mini',
      defaultMaxTokens: 512,
      maxCompletionTokens: 4000,
      reasoningEffort: 'low',
    });
    await model.generate(ask);
    await model.generate({ ...ask, maxOutputTokens: 999 });
    expect(server.requests[0]?.body).toMatchObject({ max_completion_tokens: 4000, reasoning_effort: 'low' });
    expect(server.requests[0]?.body).not.toHaveProperty('max_tokens');
    expect(server.requests[1]?.body).toMatchObject({ max_completion_tokens: 999 });
  });
});
