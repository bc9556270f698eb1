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

/** Request headers that carry credentials: not sent on to another origin after a redirect. */
const credentialHeaders = ['authorization', 'proxy-authorization', 'cookie', 'x-api-key', 'api-key'];

/** Headers that describe a request's body: dropped with the body when a redirect turns it into a GET. */
const bodyHeaders = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];

/**
 * The request that follows a redirect from `from` to `to`, as fetch makes it: after a 303, or a
 * 301 or 302 answering a POST, a GET without the body; to another origin, without credentials
 * (the API key included, whatever its header).
 */
function redirectedRequest(status: number, from: URL, to: URL, init: RequestInit): RequestInit {
  const method = (init.method ?? 'GET').toUpperCase();
  const headers = new Headers(init.headers);
  const toGet =
    status === 303 ? method !== 'GET' && method !== 'HEAD' : (status === 301 || status === 302) && method === 'POST';
  if (toGet) for (const name of bodyHeaders) headers.delete(name);
  if (to.origin !== from.origin) for (const name of credentialHeaders) headers.delete(name);
  return { ...init, headers, ...(toGet ? { method: 'GET', body: null } : {}) };
}

const decoders: Readonly<Record<string, (body: Buffer) => Buffer>> = {
  gzip: gunzipSync,
  'x-gzip': gunzipSync,
  deflate: inflateSync,
  br: brotliDecompressSync,
};

/**
 * Decodes a body the way fetch does: a list of codings (`gzip, br`) is undone last first; when
 * any of them is one fetch does not know (`identity` included), the body is handed on as sent.
 */
function decoded(body: Buffer, contentEncoding: string | undefined): Buffer {
  if (contentEncoding === undefined) return body;
  const steps = contentEncoding
    .toLowerCase()
    .split(',')
    .map((coding) => (Object.hasOwn(decoders, coding.trim()) ? decoders[coding.trim()] : undefined));
  if (steps.some((step) => step === undefined)) return body;
  return steps.reduceRight((bytes, step) => step!(bytes), body);
}

function headerRecord(headers: RequestInit['headers']): Record<string, string> {
  const record: Record<string, string> = {};
  (headers instanceof Headers ? headers : new Headers(headers)).forEach((value, name) => {
    record[name] = value;
  });
  return record;
}

const utf8 = new TextDecoder();

/**
 * A whole answer as a standard Response (its base is typed without members: the DOM types declare
 * Response's readers as properties, which a subclass may not redefine as methods). The SDKs read it with `json()` or `text()`, which here
 * decode the bytes at hand, where a Response over the bytes would first put them through a web
 * stream (more CPU than the rest of the answer's handling). Everything else (`body`, `bodyUsed`,
 * `clone()`, `arrayBuffer()`…) goes to such a standard Response, made when first needed, and
 * already read when `json()` or `text()` was.
 */
class BufferedResponse extends (Response as new (body: null, init: ResponseInit) => object) {
  readonly #bytes: Uint8Array;
  readonly #init: ResponseInit;
  #read = false;
  #standard: Response | undefined;

  constructor(bytes: Uint8Array, init: ResponseInit) {
    super(null, init);
    this.#bytes = bytes;
    this.#init = init;
  }

  #asStandard(): Response {
    if (this.#standard === undefined) {
      this.#standard = new Response(this.#bytes, this.#init);
      // Reading starts at once: the body is then disturbed, as it would be after json() or text().
      if (this.#read) this.#standard.arrayBuffer().catch(() => undefined);
    }
    return this.#standard;
  }

  get body(): ReadableStream<Uint8Array> | null {
    return this.#asStandard().body;
  }

  get bodyUsed(): boolean {
    return this.#standard?.bodyUsed ?? this.#read;
  }

  text(): Promise<string> {
    if (this.#standard !== undefined) return this.#standard.text();
    if (this.#read) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
    this.#read = true;
    return Promise.resolve(utf8.decode(this.#bytes));
  }

  json(): Promise<unknown> {
    return this.text().then((text) => JSON.parse(text) as unknown);
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return this.#asStandard().arrayBuffer();
  }

  blob(): Promise<Blob> {
    return this.#asStandard().blob();
  }

  formData(): Promise<FormData> {
    return this.#asStandard().formData();
  }

  clone(): Response {
    return this.#asStandard().clone();
  }
}

/** A BufferedResponse is a Response (`instanceof Response` holds); the cast only restores the type its base was given. */
function asResponse(response: BufferedResponse): Response {
  return response as unknown as Response;
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
 * does. A streamed body or a non-HTTP URL goes to the global fetch instead, which handles them
 * as the SDKs expect; so does a redirect, from its target on (the request made again as fetch
 * would make it).
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
      const location = response.headers.location;
      if (redirectStatuses.has(status) && location !== undefined && (init.redirect ?? 'follow') !== 'manual') {
        response.resume();
        settle();
        if (init.redirect === 'error') {
          reject(fetchFailed(new Error(`redirected (${status}) where redirects are refused`)));
          return;
        }
        // Fetch goes on from the target (and follows any further redirect): the first server is
        // not asked again.
        let target: URL;
        try {
          target = new URL(location, url);
        } catch (error) {
          reject(fetchFailed(error));
          return;
        }
        resolve(fetch(target, redirectedRequest(status, new URL(url), target, init)));
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
          const init = { status, statusText: response.statusMessage ?? '', headers: pairs };
          resolve(
            nullBodyStatuses.has(status)
              ? new Response(null, init)
              : asResponse(
                  new BufferedResponse(decoded(Buffer.concat(chunks), response.headers['content-encoding']), init),
                ),
          );
        } catch (error) {
          reject(fetchFailed(error));
        }
      });
    });
    request.end(body ?? undefined);
  });
};
