import { LlmCallError, LlmRetriesExhaustedError, isAbortError } from '../errors.js';
import type { GenerateOptions, LanguageModel } from '../model.js';
import { abortableSleep } from './sleep.js';

export interface RetryInfo {
  /** The attempt that just failed, from 1. */
  attempt: number;
  error: LlmCallError;
  /** How long the wrapper waits before the next attempt. */
  delayMs: number;
}

export interface RetryOptions {
  /** Retries after the first attempt (so `maxRetries + 1` attempts in all). */
  maxRetries: number;
  /** Delay before the first retry; it doubles on each one. */
  baseDelayMs: number;
  /** @default 60000 */
  maxDelayMs?: number;
  /** A server's `Retry-After` is honoured when at most this long. @default 60000 */
  maxRetryAfterMs?: number;
  /** Uniform in [0, 1), for jitter. @default Math.random */
  random?: () => number;
  sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
  onRetry?: (info: RetryInfo) => void;
}

function checkOptions(options: RetryOptions): void {
  if (!Number.isInteger(options.maxRetries) || options.maxRetries < 0) {
    throw new TypeError(`Expected \`maxRetries\` to be a non-negative integer, got ${options.maxRetries}`);
  }
  if (!(options.baseDelayMs >= 0)) {
    throw new TypeError(`Expected \`baseDelayMs\` to be a non-negative number, got ${options.baseDelayMs}`);
  }
  if (options.maxDelayMs !== undefined && !(options.maxDelayMs >= 0)) {
    throw new TypeError(`Expected \`maxDelayMs\` to be a non-negative number, got ${options.maxDelayMs}`);
  }
}

/**
 * Wraps a model so that retryable `LlmCallError`s are retried with exponential backoff and
 * jitter (half to all of `baseDelayMs * 2^(attempt-1)`, capped at `maxDelayMs`), or after the
 * server's `Retry-After` when it is under `maxRetryAfterMs`.
 *
 * A caller's abort rejects with the signal's reason; a non-retryable `LlmCallError` or any
 * other error is thrown at once, as it is.
 * When every attempt failed it throws `LlmRetriesExhaustedError` with each attempt's error.
 * Every attempt receives the same options object, which lets a recorder placed inside count
 * attempts.
 *
 * @example
 * const model = withRetry(base, { maxRetries: 3, baseDelayMs: 5000 });
 */
export function withRetry(model: LanguageModel, options: RetryOptions): LanguageModel {
  checkOptions(options);
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? abortableSleep;

  const delayFor = (attempt: number, error: LlmCallError): number => {
    if (error.retryAfterMs !== undefined && error.retryAfterMs <= maxRetryAfterMs) return error.retryAfterMs;
    const exponential = Math.min(maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(exponential * (0.5 + 0.5 * random()));
  };

  return {
    provider: model.provider,
    modelId: model.modelId,
    contextWindow: model.contextWindow,
    async generate(generateOptions) {
      // One object for every attempt of this call (see the JSDoc above).
      const attemptOptions: GenerateOptions = { ...generateOptions };
      const errors: unknown[] = [];
      for (let attempt = 1; ; attempt++) {
        try {
          return await model.generate(attemptOptions);
        } catch (error) {
          // The caller's abort wins over whatever the attempt threw.
          if (generateOptions.abortSignal?.aborted) throw generateOptions.abortSignal.reason;
          if (isAbortError(error)) throw error;
          if (!LlmCallError.isInstance(error) || !error.isRetryable) throw error;
          errors.push(error);
          if (attempt > options.maxRetries) {
            throw new LlmRetriesExhaustedError(
              `${model.provider} (${model.modelId}) failed ${attempt} time${attempt === 1 ? '' : 's'}; last error: ${error.message}`,
              errors,
            );
          }
          const delayMs = delayFor(attempt, error);
          options.onRetry?.({ attempt, error, delayMs });
          await sleep(delayMs, generateOptions.abortSignal);
        }
      }
    },
  };
}
