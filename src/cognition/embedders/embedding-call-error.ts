import { AsiEvolveError } from '../../errors.js';
import type { AsiEvolveErrorOptions } from '../../errors.js';

/** What an embeddings request failure carries beyond the message. */
export interface EmbeddingCallErrorOptions extends AsiEvolveErrorOptions {
  url: string;
  /** HTTP status, undefined when no response came back (server down, timeout). */
  statusCode?: number;
  /** The start of the response body, for the provider's own message. */
  responseBody?: string;
}

/**
 * An embeddings request that failed (code `LLM_CALL_FAILED`). `isRetryable` is true for
 * 408, 409, 429, 5xx and for no response at all; a caller's own abort is never wrapped.
 */
export class EmbeddingCallError extends AsiEvolveError {
  readonly url: string;
  readonly statusCode: number | undefined;
  readonly responseBody: string | undefined;
  readonly isRetryable: boolean;

  constructor(message: string, options: EmbeddingCallErrorOptions) {
    super('LLM_CALL_FAILED', message, options);
    this.name = 'EmbeddingCallError';
    this.url = options.url;
    this.statusCode = options.statusCode;
    this.responseBody = options.responseBody;
    const status = options.statusCode;
    this.isRetryable = status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
  }
}
