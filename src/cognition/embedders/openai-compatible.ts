import { AsiEvolveError } from '../../errors.js';
import { displayURL, redactSecrets } from '../../llm/index.js';
import type { Embedder } from './embedder.js';
import { EmbeddingCallError } from './embedding-call-error.js';

/** Options of an embedder over an OpenAI-compatible `POST {baseURL}/embeddings` endpoint. */
export interface OpenAIEmbedderOptions {
  /** Base URL including the version, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`. */
  baseURL: string;
  /** Sent as a bearer token; local servers often need none. */
  apiKey?: string;
  modelId: string;
  /**
   * Vector length. When given it is sent as `dimensions` (models that can shorten their
   * vectors honour it) and every vector is checked against it. When left out the model's
   * own length is used and the embedder reports `dimensions: 0`.
   */
  dimensions?: number;
  /** Values per request. @default 2048 */
  maxValuesPerCall?: number;
  /** Name in the embedder's identity. @default 'openai-compatible' */
  provider?: string;
  headers?: Record<string, string>;
  /** Milliseconds one request may take. @default 60000 */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

interface EmbeddingsResponse {
  data?: Array<{ embedding?: unknown; index?: number }>;
  usage?: { prompt_tokens?: number; total_tokens?: number };
}

/**
 * An embedder for OpenAI, vLLM, Ollama, LM Studio, llama.cpp server and other endpoints that
 * speak the OpenAI embeddings API. Values are sent in batches of `maxValuesPerCall`, one
 * request after another. Failures throw `EmbeddingCallError` (`LLM_CALL_FAILED`) with the
 * status and the provider's message; an answer of the wrong shape throws `LLM_RESPONSE_INVALID`.
 * @example
 * const embedder = createOpenAIEmbedder({ baseURL: 'https://api.openai.com/v1', apiKey, modelId: 'text-embedding-3-small', dimensions: 384 });
 */
export function createOpenAIEmbedder(options: OpenAIEmbedderOptions): Embedder {
  const url = `${options.baseURL.replace(/\/+$/, '')}/embeddings`;
  // Messages, stored errors and hints show the URL without credentials, and never the key.
  const shownURL = displayURL(url);
  const redact = (text: string): string => redactSecrets(text, options.apiKey);
  const maxValuesPerCall = options.maxValuesPerCall ?? 2048;
  if (!Number.isInteger(maxValuesPerCall) || maxValuesPerCall < 1) {
    throw new TypeError(`Expected \`maxValuesPerCall\` to be a positive integer, got ${String(maxValuesPerCall)}`);
  }
  const fetchFunction = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 60_000;

  const requestBatch = async (values: string[], abortSignal: AbortSignal | undefined) => {
    const body = {
      model: options.modelId,
      // Endpoints reject an empty input; a single space embeds as "nothing" just as well.
      input: values.map((value) => (value.length === 0 ? ' ' : value)),
      encoding_format: 'float',
      ...(options.dimensions === undefined ? {} : { dimensions: options.dimensions }),
    };
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = abortSignal === undefined ? timeout : AbortSignal.any([abortSignal, timeout]);
    let response: Response;
    let text: string;
    try {
      response = await fetchFunction(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
          ...options.headers,
        },
        body: JSON.stringify(body),
        signal,
      });
      text = await response.text();
    } catch (error) {
      if (abortSignal?.aborted) throw abortSignal.reason;
      if (timeout.aborted) {
        throw new EmbeddingCallError(`Embeddings request to ${shownURL} timed out after ${timeoutMs / 1000} s`, {
          url: shownURL,
          cause: error,
        });
      }
      throw new EmbeddingCallError(
        `Cannot reach the embeddings endpoint ${shownURL}: ${redact(networkReason(error))}`,
        {
          url: shownURL,
          cause: error,
          hint: 'Is the embeddings server running, and is its base URL right?',
        },
      );
    }
    if (!response.ok) {
      throw new EmbeddingCallError(
        `Embeddings request to ${shownURL} failed with status ${response.status}: ${redact(providerMessage(text) || response.statusText)}`,
        {
          url: shownURL,
          statusCode: response.status,
          responseBody: redact(text.slice(0, 2000)),
          ...hintFor(response.status),
        },
      );
    }
    return parseResponse(text, values.length, options.dimensions, shownURL);
  };

  return {
    provider: options.provider ?? 'openai-compatible',
    modelId: options.modelId,
    dimensions: options.dimensions ?? 0,
    maxValuesPerCall,
    embed: async ({ values, abortSignal }) => {
      const embeddings: Float32Array[] = [];
      let tokens: number | undefined = 0;
      for (let start = 0; start < values.length; start += maxValuesPerCall) {
        const batch = await requestBatch(values.slice(start, start + maxValuesPerCall), abortSignal);
        embeddings.push(...batch.embeddings);
        tokens = tokens === undefined || batch.tokens === undefined ? undefined : tokens + batch.tokens;
      }
      return { embeddings, usage: { tokens: values.length === 0 ? undefined : tokens } };
    },
  };
}

function parseResponse(text: string, count: number, dimensions: number | undefined, url: string) {
  const invalid = (what: string) =>
    new AsiEvolveError('LLM_RESPONSE_INVALID', `Embeddings response from ${url} ${what}`, {
      hint: 'Is this an OpenAI-compatible embeddings endpoint?',
    });
  let parsed: EmbeddingsResponse;
  try {
    parsed = JSON.parse(text) as EmbeddingsResponse;
  } catch {
    throw invalid('is not JSON');
  }
  const data = parsed.data;
  if (!Array.isArray(data) || data.length !== count) {
    throw invalid(`holds ${Array.isArray(data) ? data.length : 'no'} embeddings for ${count} inputs`);
  }
  const ordered = data.every((entry) => typeof entry.index === 'number')
    ? [...data].sort((left, right) => (left.index ?? 0) - (right.index ?? 0))
    : data;
  const embeddings = ordered.map((entry, position) => {
    const vector = toVector(entry.embedding);
    if (vector === undefined) throw invalid(`has no numeric embedding at position ${position}`);
    if (dimensions !== undefined && vector.length !== dimensions) {
      throw invalid(`has a vector of length ${vector.length}, expected ${dimensions}`);
    }
    return vector;
  });
  const tokens = parsed.usage?.prompt_tokens ?? parsed.usage?.total_tokens;
  return { embeddings, tokens: typeof tokens === 'number' ? tokens : undefined };
}

function toVector(value: unknown): Float32Array | undefined {
  if (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((entry) => typeof entry === 'number' && Number.isFinite(entry))
  ) {
    return Float32Array.from(value as number[]);
  }
  if (typeof value === 'string' && value.length > 0) {
    // Some servers answer base64 (little-endian float32) whatever was asked.
    const bytes = Buffer.from(value, 'base64');
    if (bytes.length === 0 || bytes.length % 4 !== 0) return undefined;
    const vector = new Float32Array(bytes.length / 4);
    for (let index = 0; index < vector.length; index++) vector[index] = bytes.readFloatLE(index * 4);
    return vector;
  }
  return undefined;
}

function providerMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
    if (typeof parsed.error?.message === 'string') return parsed.error.message;
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: show the text itself
  }
  return text.trim().slice(0, 300);
}

function hintFor(status: number): { hint?: string } {
  if (status === 401 || status === 403) return { hint: 'Check the API key for the embeddings endpoint.' };
  if (status === 404) return { hint: 'Check the base URL (it usually ends in /v1) and the model name.' };
  return {};
}

function networkReason(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (cause?.code === 'ENOTFOUND') return 'host not found';
  if (cause?.code) return cause.code;
  return error instanceof Error ? error.message : String(error);
}
