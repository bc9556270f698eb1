import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AsiEvolveError } from '../../errors.js';
import { EmbeddingCallError } from './embedding-call-error.js';
import { embedLexical } from './lexical.js';
import { createOpenAIEmbedder } from './openai-compatible.js';
import { runEmbedderCases } from './test-support/embedder-cases.js';
import { startEmbeddingsServer } from './test-support/embeddings-server.js';

runEmbedderCases('OpenAI-compatible embedder', async () => {
  const server = await startEmbeddingsServer();
  return {
    embedder: createOpenAIEmbedder({
      baseURL: server.baseURL,
      modelId: 'fake-embed',
      dimensions: 48,
      maxValuesPerCall: 2,
    }),
    close: server.close,
  };
});

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function serve(options: Parameters<typeof startEmbeddingsServer>[0] = {}) {
  const server = await startEmbeddingsServer(options);
  closers.push(server.close);
  return server;
}

async function failure(promise: Promise<unknown>): Promise<EmbeddingCallError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(EmbeddingCallError);
  return error as EmbeddingCallError;
}

describe('createOpenAIEmbedder', () => {
  it('posts to {baseURL}/embeddings with the model, the key, float encoding and the dimensions', async () => {
    const server = await serve();
    const embedder = createOpenAIEmbedder({
      baseURL: `${server.baseURL}/`,
      apiKey: 'sk-test',
      modelId: 'fake-embed',
      dimensions: 32,
    });
    const { embeddings, usage } = await embedder.embed({ values: ['edge effects near corners', 'plateau escape'] });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toEqual({
      url: '/v1/embeddings',
      authorization: 'Bearer sk-test',
      body: {
        model: 'fake-embed',
        input: ['edge effects near corners', 'plateau escape'],
        encoding_format: 'float',
        dimensions: 32,
      },
    });
    // The server answered in reverse order; the vectors come back in input order.
    expect(Array.from(embeddings[0]!)).toEqual(Array.from(embedLexical('edge effects near corners', 32)));
    expect(Array.from(embeddings[1]!)).toEqual(Array.from(embedLexical('plateau escape', 32)));
    expect(usage.tokens).toBe(6);
    expect(embedder.provider).toBe('openai-compatible');
    expect(embedder.dimensions).toBe(32);
  });

  it('splits 2.5 × maxValuesPerCall values into 3 calls and keeps their order', async () => {
    const server = await serve();
    const embedder = createOpenAIEmbedder({
      baseURL: server.baseURL,
      modelId: 'fake-embed',
      dimensions: 16,
      maxValuesPerCall: 4,
    });
    const values = Array.from({ length: 10 }, (_, index) => `item number ${index} word${index}`);
    const { embeddings, usage } = await embedder.embed({ values });
    expect(server.requests.map((request) => request.body.input.length)).toEqual([4, 4, 2]);
    expect(server.requests.flatMap((request) => request.body.input)).toEqual(values);
    expect(embeddings.map((vector) => Array.from(vector))).toEqual(
      values.map((value) => Array.from(embedLexical(value, 16))),
    );
    expect(usage.tokens).toBe(40);
  });

  it('sends no dimensions and no key when none are given, and reports dimensions 0', async () => {
    const server = await serve({ nativeDimensions: 24 });
    const embedder = createOpenAIEmbedder({ baseURL: server.baseURL, modelId: 'native' });
    const { embeddings } = await embedder.embed({ values: ['hello world'] });
    expect(server.requests[0]?.body.dimensions).toBeUndefined();
    expect(server.requests[0]?.authorization).toBeUndefined();
    expect(embeddings[0]).toHaveLength(24);
    expect(embedder.dimensions).toBe(0);
  });

  it('throws LLM_CALL_FAILED with the status and the provider message on an error status', async () => {
    const server = await serve({
      reply: () => ({ status: 401, body: JSON.stringify({ error: { message: 'Incorrect API key provided' } }) }),
    });
    const embedder = createOpenAIEmbedder({
      baseURL: server.baseURL,
      apiKey: 'sk-secret-value',
      modelId: 'fake-embed',
    });
    const error = await failure(embedder.embed({ values: ['x'] }));
    expect(error.code).toBe('LLM_CALL_FAILED');
    expect(AsiEvolveError.isInstance(error)).toBe(true);
    expect(error.statusCode).toBe(401);
    expect(error.isRetryable).toBe(false);
    expect(error.message).toContain('status 401');
    expect(error.message).toContain('Incorrect API key provided');
    expect(error.message).toContain(`${server.baseURL}/embeddings`);
    expect(error.message).not.toContain('sk-secret-value');
    expect(error.hint).toContain('API key');
  });

  it('keeps the key out of the message when the provider echoes it or the base URL carries credentials', async () => {
    const server = await serve({
      reply: () => ({
        status: 401,
        body: JSON.stringify({ error: { message: 'Incorrect API key provided: sk-echoed-SECRET-9' } }),
      }),
    });
    const echoed = await failure(
      createOpenAIEmbedder({ baseURL: server.baseURL, apiKey: 'sk-echoed-SECRET-9', modelId: 'fake-embed' }).embed({
        values: ['x'],
      }),
    );
    expect(echoed.message).toContain('Incorrect API key provided');
    expect(echoed.message).not.toContain('sk-echoed-SECRET-9');
    expect(echoed.responseBody).not.toContain('sk-echoed-SECRET-9');
    const withUser = server.baseURL.replace('://', '://proxy:USERINFO-SECRET-3@');
    const refused = await failure(
      createOpenAIEmbedder({ baseURL: withUser, modelId: 'fake-embed' }).embed({ values: ['x'] }),
    );
    expect(refused.message).not.toContain('USERINFO-SECRET-3');
    expect(refused.url).not.toContain('USERINFO-SECRET-3');
  });

  it('marks 429 and 5xx as retryable and keeps a non-JSON body as the message', async () => {
    const server = await serve({
      reply: (number) =>
        number === 0 ? { status: 429, body: '{"error":"slow down"}' } : { status: 503, body: 'upstream down' },
    });
    const embedder = createOpenAIEmbedder({ baseURL: server.baseURL, modelId: 'fake-embed' });
    const rateLimited = await failure(embedder.embed({ values: ['x'] }));
    expect([rateLimited.statusCode, rateLimited.isRetryable]).toEqual([429, true]);
    expect(rateLimited.message).toContain('slow down');
    const unavailable = await failure(embedder.embed({ values: ['x'] }));
    expect([unavailable.statusCode, unavailable.isRetryable]).toEqual([503, true]);
    expect(unavailable.message).toContain('upstream down');
  });

  it('names the URL when the server is down', async () => {
    const server = await startEmbeddingsServer();
    await server.close();
    const embedder = createOpenAIEmbedder({ baseURL: server.baseURL, modelId: 'fake-embed' });
    const error = await failure(embedder.embed({ values: ['x'] }));
    expect(error.message).toBe(`Cannot reach the embeddings endpoint ${server.baseURL}/embeddings: connection refused`);
    expect(error.statusCode).toBeUndefined();
    expect(error.isRetryable).toBe(true);
    expect(error.hint).toContain('running');
  });

  it('rejects an answer of the wrong shape as LLM_RESPONSE_INVALID', async () => {
    const answers = [
      JSON.stringify({ data: [] }),
      JSON.stringify({ data: [{ index: 0, embedding: [0.1, 0.2] }] }),
      'not json at all',
    ];
    const server = await serve({ reply: (number) => ({ status: 200, body: answers[number] ?? '' }) });
    const embedder = createOpenAIEmbedder({ baseURL: server.baseURL, modelId: 'fake-embed', dimensions: 3 });
    for (const expected of ['holds 0 embeddings for 1 inputs', 'has a vector of length 2, expected 3', 'is not JSON']) {
      const error = await embedder.embed({ values: ['x'] }).catch((caught: unknown) => caught);
      expect(AsiEvolveError.isInstance(error) && error.code).toBe('LLM_RESPONSE_INVALID');
      expect((error as Error).message).toContain(expected);
    }
  });

  it('reads base64 embeddings', async () => {
    const vector = Float32Array.from([0.5, -0.25, 1]);
    const base64 = Buffer.from(vector.buffer).toString('base64');
    const server = await serve({
      reply: () => ({ status: 200, body: JSON.stringify({ data: [{ index: 0, embedding: base64 }] }) }),
    });
    const embedder = createOpenAIEmbedder({ baseURL: server.baseURL, modelId: 'fake-embed', dimensions: 3 });
    const { embeddings, usage } = await embedder.embed({ values: ['x'] });
    expect(Array.from(embeddings[0]!)).toEqual([0.5, -0.25, 1]);
    expect(usage.tokens).toBeUndefined();
  });

  it('gives up on a server that does not answer within timeoutMs', async () => {
    const silent = createServer(() => {
      // never answers
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          silent.closeAllConnections();
          silent.close(() => resolve());
        }),
    );
    const { port } = silent.address() as AddressInfo;
    const embedder = createOpenAIEmbedder({
      baseURL: `http://127.0.0.1:${port}/v1`,
      modelId: 'fake-embed',
      timeoutMs: 200,
    });
    const error = await failure(embedder.embed({ values: ['x'] }));
    expect(error.message).toContain('timed out after 0.2 s');
    expect(error.isRetryable).toBe(true);
  });

  it('uses an injected fetch', async () => {
    const calls: string[] = [];
    const fetch: typeof globalThis.fetch = async (input) => {
      calls.push(String(input));
      return new Response(JSON.stringify({ data: [{ index: 0, embedding: [1, 0] }] }), { status: 200 });
    };
    const embedder = createOpenAIEmbedder({ baseURL: 'http://embeddings.invalid/v1', modelId: 'm', fetch });
    const { embeddings } = await embedder.embed({ values: ['x'] });
    expect(calls).toEqual(['http://embeddings.invalid/v1/embeddings']);
    expect(Array.from(embeddings[0]!)).toEqual([1, 0]);
  });
});
