import { afterEach, describe, expect, it } from 'vitest';
import { LlmCallError, LlmRetriesExhaustedError } from './errors.js';
import { buildModelStack } from './model-stack.js';
import { createOpenAICompatible } from './providers/openai-compatible.js';
import { startFakeOpenAIServer, type FakeOpenAIServer } from './test-support/fake-openai-server.js';
import type { LlmCallRecordDraft } from './wrappers/recorder.js';

const ask = { messages: [{ role: 'user' as const, content: 'Design the next program.' }] };

describe('buildModelStack over the real SDK', () => {
  let server: FakeOpenAIServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('times out each hung attempt at the deadline, records it, and gives up after every retry', async () => {
    server = await startFakeOpenAIServer([{ hang: true }, { hang: true }, { hang: true }, { text: 'too late' }]);
    const records: LlmCallRecordDraft[] = [];
    const delays: number[] = [];
    const model = buildModelStack(createOpenAICompatible({ baseURL: server.url, apiKey: 'k', modelId: 'gpt-4o' }), {
      role: 'researcher',
      onCall: (record) => records.push(record),
      deadline: { timeoutMs: 300 },
      retry: { maxRetries: 2, baseDelayMs: 1, sleep: async (ms) => void delays.push(ms) },
    });
    const error = await model.generate(ask).catch((caught: unknown) => caught);
    expect(LlmRetriesExhaustedError.isInstance(error)).toBe(true);
    const exhausted = error as LlmRetriesExhaustedError;
    expect(exhausted.errors).toHaveLength(3);
    expect(exhausted.errors.every((attempt) => LlmCallError.isInstance(attempt) && attempt.reason === 'timeout')).toBe(
      true,
    );
    expect(delays).toHaveLength(2);
    expect(server.requests).toHaveLength(3);
    expect(records.map((record) => [record.attempt, record.error?.includes('300 ms')])).toEqual([
      [1, true],
      [2, true],
      [3, true],
    ]);
  });

  it('records a failed attempt and the priced success after it', async () => {
    server = await startFakeOpenAIServer([
      { status: 503, message: 'overloaded' },
      { text: 'done', model: 'gpt-4o-mini-2024-07-18', usage: { prompt_tokens: 2000, completion_tokens: 1000 } },
    ]);
    const records: LlmCallRecordDraft[] = [];
    const model = buildModelStack(
      createOpenAICompatible({ baseURL: server.url, apiKey: 'k', modelId: 'gpt-4o-mini' }),
      {
        role: 'analyzer',
        onCall: (record) => records.push(record),
        deadline: { timeoutMs: 5000 },
        retry: { maxRetries: 1, baseDelayMs: 0 },
      },
    );
    expect((await model.generate(ask)).text).toBe('done');
    expect(records).toHaveLength(2);
    expect(records[0]?.error).toContain('overloaded');
    expect(records[0]?.costUsd).toBe(0);
    // gpt-4o-mini: 0.15 input and 0.60 output per million.
    expect(records[1]?.costUsd).toBeCloseTo((2000 * 0.15 + 1000 * 0.6) / 1e6, 12);
    expect(records[1]?.usage).toEqual({ inputTokens: 2000, cachedInputTokens: 0, outputTokens: 1000 });
  });
});
