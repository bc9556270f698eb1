import { describe, expect, it } from 'vitest';
import { LlmCallError } from '../errors.js';
import { createScriptedModel } from '../test-support/scripted.js';
import { withRecorder, type LlmCallRecordDraft } from './recorder.js';
import { withRetry } from './retry.js';

const retryable = () =>
  new LlmCallError('busy', { reason: 'http', statusCode: 503, isRetryable: true, provider: 'p', modelId: 'm' });

describe('withRecorder', () => {
  it('records a success with request, response, usage, cost and duration', async () => {
    const records: LlmCallRecordDraft[] = [];
    const inner = createScriptedModel(['x'.repeat(400)], { modelId: 'gpt-4o-2024-08-06', provider: 'openai' });
    const model = withRecorder(inner, { role: 'researcher', onCall: (record) => records.push(record) });
    await model.generate({
      system: 'sys',
      messages: [{ role: 'user', content: 'u'.repeat(396) }],
      temperature: 0.3,
      providerOptions: { openai: { reasoning_effort: 'low' } },
    });
    expect(records).toHaveLength(1);
    const record = records[0];
    expect(record).toMatchObject({
      role: 'researcher',
      provider: 'openai',
      modelId: 'gpt-4o-2024-08-06',
      request: {
        system: 'sys',
        messages: [{ role: 'user', content: 'u'.repeat(396) }],
        temperature: 0.3,
        providerOptions: { openai: { reasoning_effort: 'low' } },
      },
      responseText: 'x'.repeat(400),
      usage: { inputTokens: 100, cachedInputTokens: 0, outputTokens: 100 },
      error: null,
      attempt: 1,
    });
    // gpt-4o: 100 input tokens at 2.5 and 100 output tokens at 10 per million.
    expect(record?.costUsd).toBeCloseTo((100 * 2.5 + 100 * 10) / 1e6, 12);
    expect(record?.durationMs).toBeGreaterThanOrEqual(0);
    expect(Number.isNaN(Date.parse(record?.createdAt ?? ''))).toBe(false);
  });

  it('records each attempt inside a retry, failures included, numbered per call', async () => {
    const records: LlmCallRecordDraft[] = [];
    const inner = createScriptedModel([retryable(), retryable(), 'third', 'next call'], { modelId: 'my-model' });
    const model = withRetry(
      withRecorder(inner, {
        role: 'analyzer',
        onCall: (record) => records.push(record),
        pricing: { 'my-model': { input: 1, output: 1 } },
      }),
      { maxRetries: 3, baseDelayMs: 0 },
    );
    await model.generate({ messages: [{ role: 'user', content: 'analyse' }] });
    await model.generate({ messages: [{ role: 'user', content: 'again' }] });
    expect(records.map((record) => [record.attempt, record.error, record.responseText])).toEqual([
      [1, 'busy', ''],
      [2, 'busy', ''],
      [3, null, 'third'],
      [1, null, 'next call'],
    ]);
    expect(records[0]?.costUsd).toBe(0);
    expect(records[0]?.usage).toEqual({
      inputTokens: undefined,
      cachedInputTokens: undefined,
      outputTokens: undefined,
    });
    expect(records[2]?.costUsd).toBeGreaterThan(0);
  });

  it('lets an error of onCall fail the call instead of losing the record silently', async () => {
    const sinkError = new Error('store is busy');
    const model = withRecorder(createScriptedModel(['ok']), {
      role: 'judge',
      onCall: () => {
        throw sinkError;
      },
    });
    await expect(model.generate({ messages: [{ role: 'user', content: 'x' }] })).rejects.toBe(sinkError);
  });
});
