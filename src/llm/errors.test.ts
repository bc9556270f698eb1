import { describe, expect, it } from 'vitest';
import { AsiEvolveError } from '../errors.js';
import { LlmCallError, LlmRetriesExhaustedError, isAbortError, isRetryableStatus } from './errors.js';

describe('llm errors', () => {
  it('derives retryability from the status: 408, 409, 429 and 5xx only', () => {
    expect([408, 409, 429, 500, 502, 503].map(isRetryableStatus)).toEqual([true, true, true, true, true, true]);
    expect([400, 401, 403, 404, 422].map(isRetryableStatus)).toEqual([false, false, false, false, false]);
  });

  it('recognises each error by its code, not by its class', () => {
    const call = new LlmCallError('boom', {
      reason: 'http',
      isRetryable: true,
      provider: 'p',
      modelId: 'm',
      statusCode: 503,
    });
    const exhausted = new LlmRetriesExhaustedError('gave up', [call]);
    expect(LlmCallError.isInstance(call)).toBe(true);
    expect(LlmCallError.isInstance(exhausted)).toBe(false);
    expect(LlmRetriesExhaustedError.isInstance(exhausted)).toBe(true);
    expect(LlmCallError.isInstance(new AsiEvolveError('LLM_CALL_FAILED', 'x'))).toBe(true);
    expect(call.code).toBe('LLM_CALL_FAILED');
    expect(exhausted.lastError).toBe(call);
    expect(exhausted.cause).toBe(call);
    expect(exhausted.attempts).toBe(1);
  });

  it('recognises aborts', () => {
    const controller = new AbortController();
    controller.abort();
    expect(isAbortError(controller.signal.reason)).toBe(true);
    expect(isAbortError(new Error('other'))).toBe(false);
  });
});
