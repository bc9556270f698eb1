import { afterEach, describe, expect, it } from 'vitest';
import {
  startFakeAnthropicServer,
  type FakeAnthropicReply,
  type FakeAnthropicServer,
} from '../test-support/fake-anthropic-server.js';
import { callFailure } from '../test-support/call-failure.js';
import { runModelCases } from '../test-support/model-cases.js';
import { createAnthropic, type AnthropicOptions } from './anthropic.js';

const secret = 'sk-ant-test-SECRET-123456';
const ask = { messages: [{ role: 'user' as const, content: 'Hello' }] };

for (const stream of [false, true]) {
  runModelCases(`anthropic${stream ? ', streamed' : ''}`, async (texts) => {
    const server = await startFakeAnthropicServer(texts.map((text) => ({ text })));
    return {
      model: createAnthropic({ baseURL: server.url, apiKey: secret, modelId: 'claude-sonnet-4-5', stream }),
      close: server.close,
    };
  });
}

describe('createAnthropic over the real SDK', () => {
  let server: FakeAnthropicServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function modelFor(script: FakeAnthropicReply[], options: Partial<AnthropicOptions> = {}) {
    server = await startFakeAnthropicServer(script);
    return createAnthropic({ baseURL: server.url, apiKey: secret, modelId: 'claude-sonnet-4-5', ...options });
  }

  it('sends system, messages, max_tokens and a temperature clamped to 1, and maps the message', async () => {
    const model = await modelFor(
      [
        {
          text: 'an answer',
          stopReason: 'max_tokens',
          model: 'claude-sonnet-4-5-20250929',
          usage: { input_tokens: 100, output_tokens: 20, cache_read_input_tokens: 50 },
        },
      ],
      {
        defaultTemperature: 1.4,
        defaultMaxTokens: 2048,
      },
    );
    const result = await model.generate({ system: 'You are a researcher.', ...ask, stop: ['END'] });
    expect(server?.requests[0]?.path).toBe('/v1/messages');
    expect(server?.requests[0]?.body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 2048,
      system: 'You are a researcher.',
      messages: [{ role: 'user', content: 'Hello' }],
      temperature: 1,
      stop_sequences: ['END'],
    });
    expect(result.text).toBe('an answer');
    expect(result.finishReason).toEqual({ unified: 'length', raw: 'max_tokens' });
    // Cache reads count as input (Anthropic reports them apart).
    expect(result.usage).toEqual({ inputTokens: 150, cachedInputTokens: 50, outputTokens: 20 });
    expect(result.response).toEqual({ id: 'msg_fake_1', modelId: 'claude-sonnet-4-5-20250929' });
  });

  it('reads the SSE event stream: text deltas, usage from message_start and message_delta', async () => {
    const text = 'a streamed answer that arrives in several text deltas';
    const model = await modelFor([{ text, usage: { input_tokens: 30, output_tokens: 12 } }], { stream: true });
    const result = await model.generate(ask);
    expect(result.text).toBe(text);
    expect(result.usage).toEqual({ inputTokens: 30, cachedInputTokens: 0, outputTokens: 12 });
    expect(result.finishReason.unified).toBe('stop');
    expect(server?.requests[0]?.body).toMatchObject({ stream: true });
  });

  it('marks 429 retryable with Retry-After, 500 and 529 retryable, quoting Anthropic', async () => {
    const model = await modelFor([
      { status: 429, retryAfter: 3, message: 'Number of requests has exceeded your rate limit' },
      { status: 500 },
      { status: 529, message: 'Overloaded' },
    ]);
    const limited = await callFailure(model.generate(ask));
    expect([limited.statusCode, limited.isRetryable, limited.retryAfterMs]).toEqual([429, true, 3000]);
    expect(limited.message).toContain('rate_limit_error: Number of requests has exceeded your rate limit');
    expect((await callFailure(model.generate(ask))).isRetryable).toBe(true);
    const overloaded = await callFailure(model.generate(ask));
    expect([overloaded.statusCode, overloaded.isRetryable]).toEqual([529, true]);
    expect(server?.requests).toHaveLength(3);
  });

  it('stops on 401 and on an unknown model (404) with the message, never the key', async () => {
    const model = await modelFor([
      { status: 401, message: `invalid x-api-key ${secret}` },
      { status: 404, message: 'model: claude-nope' },
    ]);
    const unauthorised = await callFailure(model.generate(ask));
    expect([unauthorised.statusCode, unauthorised.isRetryable]).toEqual([401, false]);
    expect(unauthorised.message).toContain('authentication_error');
    expect(unauthorised.message).not.toContain(secret);
    expect(unauthorised.hint).toContain('ANTHROPIC_API_KEY');
    const missing = await callFailure(model.generate(ask));
    expect([missing.statusCode, missing.isRetryable]).toEqual([404, false]);
    expect(missing.message).toContain('model: claude-nope');
  });

  it('treats malformed JSON as a retryable invalid response', async () => {
    const model = await modelFor([{ malformed: true }]);
    const error = await callFailure(model.generate(ask));
    expect(error.isRetryable).toBe(true);
    expect(['invalid-response', 'connection']).toContain(error.reason);
  });

  it('times out a connection that is accepted and never answered', async () => {
    const model = await modelFor([{ hang: true }], { timeoutMs: 200 });
    const error = await callFailure(model.generate(ask));
    expect([error.reason, error.isRetryable]).toEqual(['timeout', true]);
  });

  it('abandons a stream that stops halfway, and one cut before message_stop', async () => {
    const model = await modelFor(
      [
        { text: 'never finishes', stallAfter: 4 },
        { text: 'cut short here', cutAfter: 4 },
      ],
      { stream: true, idleTimeoutMs: 200 },
    );
    const stalled = await callFailure(model.generate(ask));
    expect([stalled.reason, stalled.isRetryable]).toEqual(['timeout', true]);
    expect(stalled.message).toMatch(/stopped sending after [1-9]\d* events/);
    const cut = await callFailure(model.generate(ask));
    expect([cut.reason, cut.isRetryable]).toEqual(['invalid-response', true]);
  });

  it('rejects with the abort reason when the caller aborts mid-call', async () => {
    const model = await modelFor([{ hang: true }]);
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const call = model.generate({ ...ask, abortSignal: controller.signal });
    while ((server?.requests.length ?? 0) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
  });
});
