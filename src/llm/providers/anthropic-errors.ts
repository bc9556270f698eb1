import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import type { LlmCallError } from '../errors.js';
import { toSdkCallError, type ErrorContext } from './sdk-errors.js';

const anthropicStyle = {
  APIUserAbortError,
  APIConnectionTimeoutError,
  APIConnectionError,
  APIError,
  // Anthropic's own message (`error.message` of the body), with the status and the error type.
  httpDetail: (error: APIError, statusCode: number) =>
    error.apiMessage ? `${statusCode} ${error.type ?? 'error'}: ${error.apiMessage}` : error.message,
  authHint: 'Check the API key (ANTHROPIC_API_KEY or api_key_env) and base_url.',
};

/**
 * Turns whatever `@anthropic-ai/sdk` threw into an `LlmCallError`, quoting Anthropic's own
 * message (`error.message` of the body) with the status. Aborts are not mapped.
 */
export function toAnthropicCallError(error: unknown, context: ErrorContext): LlmCallError | undefined {
  return toSdkCallError(error, context, anthropicStyle);
}
