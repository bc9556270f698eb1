import { describe, expect, it } from 'vitest';
import type { LlmCallRecordDraft } from './recorder.js';
import { LlmCallError, LlmRetriesExhaustedError } from '../errors.js';
import { createScriptedModel } from '../test-support/scripted.js';
import { withRecorder } from './recorder.js';
import { withRetry } from './retry.js';
import { PromptTooLongError, replyCharLimit, withPromptLimit, withReplyLimit } from './size-limits.js';

const ask = (content: string) => ({ messages: [{ role: 'user' as const, content }] });

describe('withPromptLimit', () => {
  it('refuses a prompt over the context window before the model sees it', async () => {
    const inner = createScriptedModel(['fine', 'never'], { contextWindow: 1000 });
    const model = withPromptLimit(inner);
    expect((await model.generate(ask('x'.repeat(3000)))).text).toBe('fine');
    const error = await model.generate(ask('x'.repeat(4000))).catch((caught: unknown) => caught);
    expect(PromptTooLongError.isInstance(error)).toBe(true);
    expect((error as PromptTooLongError).message).toBe(
      'the prompt for scripted-model (~1004 tokens) exceeds its 1000-token context window; it was not sent',
    );
    expect((error as PromptTooLongError).isUserError).toBe(false);
    expect(inner.calls).toHaveLength(1);
  });

  it('passes everything through when no window is known', async () => {
    const inner = createScriptedModel(['fine']);
    expect((await withPromptLimit(inner).generate(ask('x'.repeat(100_000)))).text).toBe('fine');
  });
});

describe('withReplyLimit', () => {
  it('discards an oversized reply: the recorder keeps its length, never its text, and a retry asks the same prompt again', async () => {
    const huge = 'y'.repeat(2_000_001);
    const inner = createScriptedModel([huge, '<answer>ok</answer>']);
    const records: LlmCallRecordDraft[] = [];
    const model = withRetry(
      withRecorder(withReplyLimit(inner, { maxReplyChars: 2_000_000 }), {
        role: 'researcher',
        onCall: (record) => records.push(record),
      }),
      {
        maxRetries: 1,
        baseDelayMs: 0,
      },
    );
    expect((await model.generate(ask('design'))).text).toBe('<answer>ok</answer>');
    expect(records.map((record) => [record.responseText.length, record.error])).toEqual([
      [
        0,
        'scripted (scripted-model) replied with 2000001 characters, over the 2000000-character limit for a reply; the reply was discarded',
      ],
      [19, null],
    ]);
    // The second attempt is the same prompt: the oversized reply is not shown to the model.
    expect(inner.calls[1]?.messages).toEqual([{ role: 'user', content: 'design' }]);
    expect(JSON.stringify(records).length).toBeLessThan(2000);
  });

  it('fails the call once every attempt replied too much', async () => {
    const inner = createScriptedModel(['z'.repeat(11), 'z'.repeat(11)]);
    const error = await withRetry(withReplyLimit(inner, { maxReplyChars: 10 }), { maxRetries: 1, baseDelayMs: 0 })
      .generate(ask('q'))
      .catch((caught: unknown) => caught);
    expect(LlmRetriesExhaustedError.isInstance(error)).toBe(true);
    expect(LlmCallError.isInstance((error as LlmRetriesExhaustedError).lastError)).toBe(true);
  });

  it('allows at least a million characters, more for a larger output limit', () => {
    expect(replyCharLimit(undefined)).toBe(1_000_000);
    expect(replyCharLimit(8192)).toBe(1_000_000);
    expect(replyCharLimit(200_000)).toBe(3_200_000);
  });
});
