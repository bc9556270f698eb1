import { messageOf } from '../../errors.js';
import { redactSecrets as redactAll } from '../../secrets.js';
import { LlmCallError, isRetryableStatus } from '../errors.js';
import { parseRetryAfter, type HeaderLookup } from './retry-after.js';

/** Where a call went, for error messages, and the key to keep out of them. */
export interface ErrorContext {
  provider: string;
  modelId: string;
  baseURL: string;
  apiKey: string | undefined;
}

/** Removes the API key and anything else credential-like from text that may be shown or stored. */
export function redactSecrets(text: string, apiKey: string | undefined): string {
  return redactAll(text, [apiKey]);
}

/**
 * A base URL fit for messages: user info and query values (`?key=…`, `?api-key=…`) may carry
 * credentials, so they are replaced by `[redacted]`. Text that is not a URL is returned as it is.
 * @example displayURL('https://u:p@proxy/v1?key=abc') // 'https://[redacted]@proxy/v1?key=[redacted]'
 */
export function displayURL(baseURL: string): string {
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    return baseURL;
  }
  const userInfo = url.username !== '' || url.password !== '' ? '[redacted]@' : '';
  const query = [...url.searchParams.keys()].map((name) => `${encodeURIComponent(name)}=[redacted]`).join('&');
  return `${url.protocol}//${userInfo}${url.host}${url.pathname}${query === '' ? '' : `?${query}`}`;
}

/** What the HTTP error class of an SDK carries. */
export interface SdkHttpError extends Error {
  readonly status: number | undefined;
  readonly headers: HeaderLookup | undefined;
}

type ErrorClass<Instance extends Error> = abstract new (...args: never[]) => Instance;

/**
 * The error classes of an SDK and what differs between providers. The openai and
 * `@anthropic-ai/sdk` packages export the same four classes under the same names.
 */
export interface SdkErrorStyle<HttpError extends SdkHttpError> {
  APIUserAbortError: ErrorClass<Error>;
  APIConnectionTimeoutError: ErrorClass<Error>;
  APIConnectionError: ErrorClass<Error>;
  APIError: ErrorClass<HttpError>;
  /** What follows "answered" in the message of an HTTP error. */
  httpDetail(error: HttpError, statusCode: number): string;
  /** The hint of a 401 or 403 answer. */
  authHint: string;
}

/**
 * Turns whatever an SDK threw into an `LlmCallError` (timeouts, connection failures, HTTP
 * answers with their retry-after, invalid JSON). Aborts are not mapped: the caller (or a
 * deadline wrapper) aborted, and the abort travels up as it is.
 */
export function toSdkCallError<HttpError extends SdkHttpError>(
  error: unknown,
  context: ErrorContext,
  style: SdkErrorStyle<HttpError>,
): LlmCallError | undefined {
  if (error instanceof style.APIUserAbortError) return undefined;
  // The cause is shown with --verbose: a provider that echoes the key must not leak it there.
  for (let cause: unknown = error, depth = 0; cause instanceof Error && depth < 4; cause = cause.cause, depth++) {
    cause.message = redactSecrets(cause.message, context.apiKey);
  }
  const base = { provider: context.provider, modelId: context.modelId, cause: error };
  const where = `${context.provider} (${context.modelId} at ${context.baseURL})`;
  if (error instanceof style.APIConnectionTimeoutError) {
    return new LlmCallError(`${where}: the request timed out`, { ...base, reason: 'timeout', isRetryable: true });
  }
  if (error instanceof style.APIConnectionError) {
    const detail = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return new LlmCallError(redactSecrets(`${where}: connection failed${detail}`, context.apiKey), {
      ...base,
      reason: 'connection',
      isRetryable: true,
    });
  }
  if (error instanceof style.APIError && typeof error.status === 'number') {
    const statusCode = error.status;
    return new LlmCallError(redactSecrets(`${where} answered ${style.httpDetail(error, statusCode)}`, context.apiKey), {
      ...base,
      reason: 'http',
      statusCode,
      isRetryable: isRetryableStatus(statusCode),
      retryAfterMs: parseRetryAfter(error.headers),
      hint: statusCode === 401 || statusCode === 403 ? style.authHint : undefined,
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
