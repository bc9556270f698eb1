import { afterEach, describe, expect, it, vi } from 'vitest';
import { LlmCallError } from '../errors.js';
import type { GenerateOptions, LanguageModel } from '../model.js';
import { createScriptedModel } from '../test-support/scripted.js';
import { withDeadline } from './deadline.js';

const ask = { messages: [{ role: 'user' as const, content: 'Hello' }] };

/** A provider that never settles and ignores its signal, but shows what signal it got. */
function deafModel(): LanguageModel & { signals: (AbortSignal | undefined)[] } {
  const signals: (AbortSignal | undefined)[] = [];
  return {
    provider: 'deaf',
    modelId: 'never-answers',
    contextWindow: undefined,
    signals,
    generate(options: GenerateOptions) {
      signals.push(options.abortSignal);
      return new Promise(() => undefined);
    },
  };
}

describe('withDeadline', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rejects a provider that ignores its signal at the deadline, with a retryable timeout', async () => {
    const inner = deafModel();
    const error = await withDeadline(inner, { timeoutMs: 300 })
      .generate(ask)
      .catch((caught: unknown) => caught);
    expect(LlmCallError.isInstance(error)).toBe(true);
    expect((error as LlmCallError).reason).toBe('timeout');
    expect((error as LlmCallError).isRetryable).toBe(true);
    expect((error as LlmCallError).message).toContain('300 ms');
    expect(inner.signals[0]?.aborted).toBe(true);
  });

  it('returns the answer in time and leaves no timer behind', async () => {
    vi.useFakeTimers();
    const result = await withDeadline(createScriptedModel(['quick']), { timeoutMs: 10_000 }).generate(ask);
    expect(result.text).toBe('quick');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('treats a deadline beyond the longest timer (about 24.8 days) as that long, not as 1 ms', async () => {
    // Node fires a setTimeout above 2^31-1 ms at once: `api.timeout: 99999999` would fail every call.
    const inner = deafModel();
    const controller = new AbortController();
    const call = withDeadline(inner, { timeoutMs: 99_999_999_000 }).generate({
      ...ask,
      abortSignal: controller.signal,
    });
    const settled = call.then(
      () => 'answered',
      () => 'rejected',
    );
    const outcome = await Promise.race([settled, new Promise((resolve) => setTimeout(() => resolve('pending'), 50))]);
    expect(outcome).toBe('pending');
    expect(inner.signals[0]?.aborted).toBe(false);
    controller.abort();
    expect(await settled).toBe('rejected');
  });

  it('leaves no timer behind after a timeout or a failure', async () => {
    vi.useFakeTimers();
    const timedOut = withDeadline(deafModel(), { timeoutMs: 1000 }).generate(ask);
    const settled = timedOut.catch((caught: unknown) => caught);
    await vi.advanceTimersByTimeAsync(1000);
    expect(LlmCallError.isInstance(await settled)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    const failure = new Error('provider failed');
    await expect(withDeadline(createScriptedModel([failure]), { timeoutMs: 1000 }).generate(ask)).rejects.toBe(failure);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects at once with the caller's abort reason, and aborts the provider's signal", async () => {
    const inner = deafModel();
    const controller = new AbortController();
    const call = withDeadline(inner, { timeoutMs: 60_000 }).generate({ ...ask, abortSignal: controller.signal });
    const reason = new Error('caller stopped');
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    expect(inner.signals[0]?.aborted).toBe(true);
    await expect(
      withDeadline(inner, { timeoutMs: 60_000 }).generate({ ...ask, abortSignal: controller.signal }),
    ).rejects.toBe(reason);
    expect(inner.signals).toHaveLength(1);
  });

  it('checks its options on entry', () => {
    expect(() => withDeadline(deafModel(), { timeoutMs: 0 })).toThrow(/Expected `timeoutMs`/);
  });
});
