import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { LlmCallError, isRetryableStatus } from '../errors.js';
import { parseRetryAfter } from './retry-after.js';

export interface ErrorContext {
  provider: string;
  modelId: string;
  baseURL: string;
  apiKey: string | undefined;
}

/** Removes the API key and any bearer token from text that may be shown or stored. */
export function redactSecrets(text: string, apiKey: string | undefined): string {
  let clean = text.replace(/Bearer\s+[^\s"',]+/gi, 'Bearer [redacted]');
  if (apiKey && apiKey.length >= 4) clean = clean.split(apiKey).join('[redacted]');
  return clean;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Turns whatever the openai SDK threw into an `LlmCallError`. Aborts are not mapped: the
 * caller (or a deadline wrapper) aborted, and the abort travels up as it is.
 */
export function toLlmCallError(error: unknown, context: ErrorContext): LlmCallError | undefined {
  if (error instanceof APIUserAbortError) return undefined;
  // The cause is shown with --verbose: a provider that echoes the key must not leak it there.
  if (error instanceof Error) error.message = redactSecrets(error.message, context.apiKey);
  const base = { provider: context.provider, modelId: context.modelId, cause: error };
  const where = `${context.provider} (${context.modelId} at ${context.baseURL})`;
  if (error instanceof APIConnectionTimeoutError) {
    return new LlmCallError(`${where}: the request timed out`, { ...base, reason: 'timeout', isRetryable: true });
  }
  if (error instanceof APIConnectionError) {
    const detail = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return new LlmCallError(redactSecrets(`${where}: connection failed${detail}`, context.apiKey), {
      ...base,
      reason: 'connection',
      isRetryable: true,
    });
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const statusCode = error.status;
    return new LlmCallError(redactSecrets(`${where} answered ${error.message}`, context.apiKey), {
      ...base,
      reason: 'http',
      statusCode,
      isRetryable: isRetryableStatus(statusCode),
      retryAfterMs: parseRetryAfter(error.headers),
      hint: statusCode === 401 || statusCode === 403 ? 'Check the API key and api.base_url.' : undefined,
    });
  }
  if (error instanceof SyntaxError) {
    return new LlmCallError(`${where} sent a response that is not valid JSON: ${error.message}`, {
      ...base,
      reason: 'invalid-response',
      isRetryable: true,
    });
  }
  return new LlmCallError(redactSecrets(`${where}: ${messageOf(error)}`, context.apiKey), {
    ...base,
    reason: 'other',
    isRetryable: false,
  });
}
