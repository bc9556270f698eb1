import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { LlmCallError, isRetryableStatus } from '../errors.js';
import { redactSecrets, type ErrorContext } from './openai-errors.js';
import { parseRetryAfter } from './retry-after.js';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Turns whatever `@anthropic-ai/sdk` threw into an `LlmCallError`, quoting Anthropic's own
 * message (`error.message` of the body) with the status. Aborts are not mapped.
 */
export function toAnthropicCallError(error: unknown, context: ErrorContext): LlmCallError | undefined {
  if (error instanceof APIUserAbortError) return undefined;
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
    const detail = error.apiMessage ? `${statusCode} ${error.type ?? 'error'}: ${error.apiMessage}` : error.message;
    return new LlmCallError(redactSecrets(`${where} answered ${detail}`, context.apiKey), {
      ...base,
      reason: 'http',
      statusCode,
      isRetryable: isRetryableStatus(statusCode),
      retryAfterMs: parseRetryAfter(error.headers),
      hint: statusCode === 401 || statusCode === 403 ? 'Check the API key (ANTHROPIC_API_KEY or api_key_env) and base_url.' : undefined,
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
