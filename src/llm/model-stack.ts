import type { LanguageModel } from './model.js';
import type { Pricing } from './pricing.js';
import { withDeadline, type DeadlineOptions } from './wrappers/deadline.js';
import { withRecorder, type LlmCallRecordDraft } from './wrappers/recorder.js';
import { withRetry, type RetryOptions } from './wrappers/retry.js';

export interface ModelStackOptions {
  /** Omit for no retries. */
  retry?: RetryOptions;
  /** Omit for no deadline. */
  deadline?: DeadlineOptions;
  /** Needs `onCall` to record. */
  role?: string;
  onCall?: (record: LlmCallRecordDraft) => void;
  pricing?: Pricing;
}

/**
 * Wraps a provider in the standard order, `retry(recorder(deadline(base)))`: the deadline
 * bounds each attempt, the recorder sees each attempt (timeouts included) as its own
 * record, and the retry decides whether another attempt follows.
 *
 * @example
 * const researcher = buildModelStack(base, { role: 'researcher', onCall, retry: { maxRetries: 3, baseDelayMs: 5000 }, deadline: { timeoutMs: 300_000 } });
 */
export function buildModelStack(base: LanguageModel, options: ModelStackOptions): LanguageModel {
  let model = base;
  if (options.deadline) model = withDeadline(model, options.deadline);
  if (options.onCall) {
    model = withRecorder(model, {
      role: options.role ?? 'unknown',
      onCall: options.onCall,
      ...(options.pricing ? { pricing: options.pricing } : {}),
    });
  }
  if (options.retry) model = withRetry(model, options.retry);
  return model;
}
