import { AsiEvolveError } from '../errors.js';

/** Why a call failed, for code that branches on more than `isRetryable`. */
export type LlmCallFailure = 'http' | 'connection' | 'timeout' | 'invalid-response' | 'other';

export interface LlmCallErrorOptions {
  reason: LlmCallFailure;
  isRetryable: boolean;
  provider: string;
  modelId: string;
  statusCode?: number | undefined;
  retryAfterMs?: number | undefined;
  cause?: unknown;
  hint?: string | undefined;
}

/**
 * One LLM call that failed. It carries the provider's own message (never the API key) and
 * the facts a retry policy needs: `statusCode`, `isRetryable` and `retryAfterMs`.
 */
export class LlmCallError extends AsiEvolveError {
  readonly reason: LlmCallFailure;
  readonly isRetryable: boolean;
  readonly statusCode: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly provider: string;
  readonly modelId: string;

  constructor(message: string, options: LlmCallErrorOptions) {
    super('LLM_CALL_FAILED', message, {
      ...(options.cause === undefined ? {} : { cause: options.cause }),
      ...(options.hint === undefined ? {} : { hint: options.hint }),
    });
    this.name = 'LlmCallError';
    this.reason = options.reason;
    this.isRetryable = options.isRetryable;
    this.statusCode = options.statusCode;
    this.retryAfterMs = options.retryAfterMs;
    this.provider = options.provider;
    this.modelId = options.modelId;
  }

  static override isInstance(value: unknown): value is LlmCallError {
    return AsiEvolveError.isInstance(value) && value.code === 'LLM_CALL_FAILED';
  }
}

/** True for HTTP statuses worth retrying: 408, 409, 429 and every 5xx. */
export function isRetryableStatus(statusCode: number): boolean {
  return statusCode === 408 || statusCode === 409 || statusCode === 429 || statusCode >= 500;
}

/** The retry wrapper gave up: every attempt failed with a retryable error. */
export class LlmRetriesExhaustedError extends AsiEvolveError {
  /** Every attempt's error, oldest first. */
  readonly errors: unknown[];
  readonly lastError: unknown;
  readonly attempts: number;

  constructor(message: string, errors: unknown[]) {
    const lastError = errors[errors.length - 1];
    super('LLM_RETRIES_EXHAUSTED', message, { cause: lastError });
    this.name = 'LlmRetriesExhaustedError';
    this.errors = errors;
    this.lastError = lastError;
    this.attempts = errors.length;
  }

  static override isInstance(value: unknown): value is LlmRetriesExhaustedError {
    return AsiEvolveError.isInstance(value) && value.code === 'LLM_RETRIES_EXHAUSTED';
  }
}

/** True for the error an aborted signal produces (the caller gave up; never retry it). */
export function isAbortError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    ((error as { name?: unknown }).name === 'AbortError' || (error as { name?: unknown }).name === 'APIUserAbortError')
  );
}

/** Which spending limit a run hit. */
export type BudgetLimitKind = 'usd' | 'tokens';

/**
 * A call was refused before it was sent because it could cross a spending limit. The loop
 * treats its code, BUDGET_REACHED, as "stop cleanly": no new round starts, the rounds in
 * flight finish without further calls, and a later run with a higher limit resumes.
 */
export class BudgetReachedError extends AsiEvolveError {
  readonly limit: BudgetLimitKind;
  readonly limitValue: number;
  /** Spent (and reserved by calls in flight) when the call was refused. */
  readonly spent: number;

  constructor(message: string, details: { limit: BudgetLimitKind; limitValue: number; spent: number }) {
    super('BUDGET_REACHED', message, {
      key: details.limit === 'usd' ? 'budget.usd' : 'budget.tokens',
      hint: `Raise the limit (--budget-${details.limit === 'usd' ? 'usd' : 'tokens'} or budget.${details.limit}) and run again: the run resumes from the rounds already stored.`,
    });
    this.name = 'BudgetReachedError';
    this.limit = details.limit;
    this.limitValue = details.limitValue;
    this.spent = details.spent;
  }

  static override isInstance(value: unknown): value is BudgetReachedError {
    return AsiEvolveError.isInstance(value) && value.code === 'BUDGET_REACHED';
  }
}

/**
 * True for an error that must stop the whole run (or ingestion) instead of failing one round: a
 * reached budget, a mistake for the user to fix, or a permanent provider refusal (a bad key, an
 * unknown model) that every later call would meet too.
 */
export function isFatal(error: unknown): boolean {
  if (!AsiEvolveError.isInstance(error)) return false;
  if (BudgetReachedError.isInstance(error) || error.isUserError) return true;
  return LlmCallError.isInstance(error) && error.isRetryable === false;
}
