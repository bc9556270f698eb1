import http from 'node:http';
import https from 'node:https';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

/**
 * Idle connections are closed after this long (undici's default), before servers drop them;
 * a shorter `Keep-Alive: timeout=N` from the server wins (Node's agent reads it).
 */
const IDLE_SOCKET_MS = 4000;

const agents = {
  'http:': new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  'https:': new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
};

/** Statuses whose response has no body: `new Response` refuses one. */
const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);
const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/** Decodes a body the way fetch does for the codings it knows; any other is handed on as sent. */
function decoded(body: Buffer, contentEncoding: string | undefined): Buffer {
  switch (contentEncoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(body);
    case 'deflate':
      return inflateSync(body);
    case 'br':
      return brotliDecompressSync(body);
    default:
      return body;
  }
}

function headerRecord(headers: RequestInit['headers']): Record<string, string> {
  const record: Record<string, string> = {};
  (headers instanceof Headers ? headers : new Headers(headers)).forEach((value, name) => {
    record[name] = value;
  });
  return record;
}

/** What fetch rejects with when the connection fails: the SDKs read the cause. */
function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

/**
 * A `fetch` for the provider SDKs' `fetch` option, over node:http(s) with kept-alive connections,
 * for requests whose whole answer is read before it is parsed (not streamed). Node 20's own fetch
 * puts every request and answer through web streams: about half of the CPU time of a call against
 * a local server (docs/architecture.md, LLM roles). The answer is a standard `Response`, read to
 * its end before it resolves; the request's signal aborts it with the signal's reason, as fetch
 * does. A redirect, a streamed body or a non-HTTP URL goes to the global fetch instead, which
 * handles them as the SDKs expect.
 *
 * @example new OpenAI({ baseURL, apiKey, fetch: nodeHttpFetch }) // or new Anthropic({ …, fetch: nodeHttpFetch })
 */
export const nodeHttpFetch: typeof fetch = (input, init = {}) => {
  const body = init.body;
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : undefined;
  const protocol = url?.startsWith('https:') ? 'https:' : url?.startsWith('http:') ? 'http:' : undefined;
  if (
    url === undefined ||
    protocol === undefined ||
    !(body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array)
  ) {
    return fetch(input, init);
  }
  const signal = init.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<Response>((resolve, reject) => {
    let request: http.ClientRequest;
    const onAbort = (): void => {
      request.destroy();
      reject(signal?.reason);
    };
    try {
      const headers = headerRecord(init.headers);
      if (body !== undefined && body !== null) headers['content-length'] = String(Buffer.byteLength(body));
      request = (protocol === 'https:' ? https : http).request(url, {
        method: init.method ?? 'GET',
        headers,
        agent: agents[protocol],
      });
    } catch (error) {
      reject(fetchFailed(error));
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = (): void => signal?.removeEventListener('abort', onAbort);
    request.on('error', (error) => {
      settle();
      reject(fetchFailed(error));
    });
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      if (redirectStatuses.has(status) && response.headers.location !== undefined) {
        response.resume();
        settle();
        resolve(fetch(input, init));
        return;
      }
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', (error) => {
        settle();
        reject(fetchFailed(error));
      });
      response.on('end', () => {
        settle();
        try {
          const raw = response.rawHeaders;
          const pairs: [string, string][] = [];
          for (let index = 0; index + 1 < raw.length; index += 2) pairs.push([raw[index]!, raw[index + 1]!]);
          const content = nullBodyStatuses.has(status)
            ? null
            : decoded(Buffer.concat(chunks), response.headers['content-encoding']);
          resolve(new Response(content, { status, statusText: response.statusMessage ?? '', headers: pairs }));
        } catch (error) {
          reject(fetchFailed(error));
        }
      });
    });
    request.end(body ?? undefined);
  });
};
