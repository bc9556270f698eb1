import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { LlmCallError } from '../errors.js';
import { toSdkCallError, type ErrorContext } from './sdk-errors.js';

const openaiStyle = {
  APIUserAbortError,
  APIConnectionTimeoutError,
  APIConnectionError,
  APIError,
  httpDetail: (error: APIError) => error.message,
  authHint: 'Check the API key and api.base_url.',
};

/**
 * Turns whatever the openai SDK threw into an `LlmCallError`. Aborts are not mapped: the
 * caller (or a deadline wrapper) aborted, and the abort travels up as it is.
 */
export function toLlmCallError(error: unknown, context: ErrorContext): LlmCallError | undefined {
  return toSdkCallError(error, context, openaiStyle);
}
