import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../test-support/free-port.js';
import { nodeHttpFetch } from './node-http-fetch.js';

interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

interface TestServer {
  origin: string;
  received: Received[];
  /** TCP connections the server accepted. */
  connections: () => number;
  /** Sockets the server saw closed. */
  closed: () => number;
}

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(answer: (request: Received, response: ServerResponse) => void): Promise<TestServer> {
  const received: Received[] = [];
  let connections = 0;
  let closed = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(entry);
      answer(entry, response);
    });
  });
  server.on('connection', (socket) => {
    connections += 1;
    socket.on('close', () => (closed += 1));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, received, connections: () => connections, closed: () => closed };
}

const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
};

describe('nodeHttpFetch', () => {
  it('sends the method, headers and body with its length, and answers with a standard Response', async () => {
    const test = await serve((request, response) =>
      json(response, 200, { echoed: JSON.parse(request.body) as unknown }, { 'x-request-id': 'req-1' }),
    );
    const body = JSON.stringify({ prompt: 'é'.repeat(20_000) });
    const headers = new Headers({ 'content-type': 'application/json', authorization: 'Bearer sk-test' });
    const response = await nodeHttpFetch(`${test.origin}/v1/chat/completions`, { method: 'POST', headers, body });
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(200);
    expect(response.ok).toBe(true);
    expect(response.headers.get('x-request-id')).toBe('req-1');
    expect(await response.json()).toEqual({ echoed: { prompt: 'é'.repeat(20_000) } });
    const [request] = test.received;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe('Bearer sk-test');
    expect(request?.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(request?.headers['transfer-encoding']).toBeUndefined();
  });

  it('reads an answer like fetch does: once, by whichever reader, a BOM dropped', async () => {
    const test = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(`\uFEFF${JSON.stringify({ n: 1 })}`);
    });
    const call = () => nodeHttpFetch(`${test.origin}/x`, { method: 'POST', body: '{}' });

    const parsed = await call();
    expect(parsed.bodyUsed).toBe(false);
    expect(await parsed.json()).toEqual({ n: 1 });
    expect(parsed.bodyUsed).toBe(true);
    await expect(parsed.text()).rejects.toThrow(TypeError);
    expect(() => parsed.clone()).toThrow(TypeError);

    const cloned = await call();
    expect(await cloned.clone().json()).toEqual({ n: 1 });
    expect(await cloned.text()).toBe('{"n":1}');

    const streamed = await call();
    expect(await new Response(streamed.body).json()).toEqual({ n: 1 });
    expect(streamed.bodyUsed).toBe(true);
    await expect(streamed.json()).rejects.toThrow(TypeError);

    const bytes = await call();
    expect(new Uint8Array(await bytes.arrayBuffer())[0]).toBe(0xef);
    await expect(bytes.json()).rejects.toThrow(TypeError);
  });

  it('keeps one connection alive across calls', async () => {
    const test = await serve((_request, response) => json(response, 200, { ok: true }));
    for (let call = 0; call < 4; call += 1) {
      const response = await nodeHttpFetch(`${test.origin}/v1/x`, { method: 'POST', body: '{}' });
      expect(await response.json()).toEqual({ ok: true });
    }
    expect(test.received).toHaveLength(4);
    expect(test.connections()).toBe(1);
  });

  it('hands on an error status with its headers and body', async () => {
    const test = await serve((_request, response) =>
      json(response, 429, { error: { message: 'slow down' } }, { 'retry-after': '7' }),
    );
    const response = await nodeHttpFetch(`${test.origin}/v1/x`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(429);
    expect(response.ok).toBe(false);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(await response.json()).toEqual({ error: { message: 'slow down' } });
  });

  it('decodes a gzip answer and gives a 204 no body', async () => {
    const test = await serve((request, response) => {
      if (request.path === '/empty') {
        response.writeHead(204);
        response.end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      response.end(gzipSync(JSON.stringify({ zipped: true })));
    });
    expect(await (await nodeHttpFetch(`${test.origin}/zipped`)).json()).toEqual({ zipped: true });
    const empty = await nodeHttpFetch(`${test.origin}/empty`, { method: 'POST', body: '{}' });
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
  });

  it('undoes a list of codings last first, as fetch does, and hands on a list with an unknown one as sent', async () => {
    const sent = JSON.stringify({ twice: true });
    const test = await serve((request, response) => {
      const encoding = request.path === '/twice' ? 'gzip, br' : 'gzip, compress';
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding });
      response.end(request.path === '/twice' ? brotliCompressSync(gzipSync(sent)) : gzipSync(sent));
    });
    for (const path of ['/twice', '/unknown']) {
      const ours = Buffer.from(await (await nodeHttpFetch(`${test.origin}${path}`)).arrayBuffer());
      const standard = Buffer.from(await (await fetch(`${test.origin}${path}`)).arrayBuffer());
      expect(ours.equals(standard)).toBe(true);
    }
    expect(await (await nodeHttpFetch(`${test.origin}/twice`)).json()).toEqual({ twice: true });
  });

  it('follows a redirect as fetch does', async () => {
    const test = await serve((request, response) => {
      if (request.path === '/old') {
        response.writeHead(307, { location: '/new' });
        response.end();
        return;
      }
      json(response, 200, { at: request.path, body: request.body });
    });
    const response = await nodeHttpFetch(`${test.origin}/old`, { method: 'POST', body: '{"a":1}' });
    expect(await response.json()).toEqual({ at: '/new', body: '{"a":1}' });
    // The first request is not made again: a model call is not paid for twice.
    expect(test.received.map((request) => `${request.method} ${request.path}`)).toEqual(['POST /old', 'POST /new']);
  });

  it('turns a POST into a GET without its body after a 303, as fetch does', async () => {
    const test = await serve((request, response) => {
      if (request.path === '/submit') {
        response.writeHead(303, { location: '/result' });
        response.end();
        return;
      }
      json(response, 200, {
        method: request.method,
        body: request.body,
        type: request.headers['content-type'] ?? null,
      });
    });
    const response = await nodeHttpFetch(`${test.origin}/submit`, {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    });
    expect(await response.json()).toEqual({ method: 'GET', body: '', type: null });
  });

  it('sends no credentials on to another origin after a redirect', async () => {
    const other = await serve((request, response) =>
      json(response, 200, {
        authorization: request.headers.authorization ?? null,
        apiKey: request.headers['x-api-key'] ?? null,
        accept: request.headers.accept ?? null,
        body: request.body,
      }),
    );
    const first = await serve((_request, response) => {
      response.writeHead(307, { location: `${other.origin}/v1/chat` });
      response.end();
    });
    const response = await nodeHttpFetch(`${first.origin}/v1/chat`, {
      method: 'POST',
      body: '{"a":1}',
      headers: { authorization: 'Bearer sk-test', 'x-api-key': 'key-test', accept: 'application/json' },
    });
    expect(await response.json()).toEqual({
      authorization: null,
      apiKey: null,
      accept: 'application/json',
      body: '{"a":1}',
    });
    expect(first.received).toHaveLength(1);
  });

  it("keeps a redirect as the answer with redirect 'manual', and refuses it with 'error'", async () => {
    const test = await serve((_request, response) => {
      response.writeHead(302, { location: '/elsewhere' });
      response.end();
    });
    const manual = await nodeHttpFetch(`${test.origin}/x`, { redirect: 'manual' });
    expect(manual.status).toBe(302);
    expect(manual.headers.get('location')).toBe('/elsewhere');
    await expect(nodeHttpFetch(`${test.origin}/x`, { redirect: 'error' })).rejects.toThrow(TypeError);
    expect(test.received.map((request) => request.path)).toEqual(['/x', '/x']);
  });

  it('rejects with the signal reason when aborted before or during the call, and closes the connection', async () => {
    const test = await serve(() => undefined); // never answers
    const before = new AbortController();
    before.abort(new Error('stopped early'));
    await expect(nodeHttpFetch(`${test.origin}/x`, { signal: before.signal })).rejects.toThrow('stopped early');
    expect(test.received).toHaveLength(0);

    const during = new AbortController();
    const call = nodeHttpFetch(`${test.origin}/x`, { method: 'POST', body: '{}', signal: during.signal });
    while (test.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    during.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    while (test.closed() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(test.closed()).toBe(1);
  });

  it('rejects an answer cut halfway as a failed fetch, not a hang', async () => {
    const test = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      response.write('{"partial":');
      setTimeout(() => response.socket?.destroy(), 20);
    });
    const failure = await nodeHttpFetch(`${test.origin}/x`, { method: 'POST', body: '{}' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(TypeError);
    expect(failure).toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNRESET' } });
  });

  it('rejects a refused connection as fetch does: a TypeError with the cause', async () => {
    const port = await freePort();
    const failure = await nodeHttpFetch(`http://127.0.0.1:${port}/v1/x`, { method: 'POST', body: '{}' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(TypeError);
    expect(failure).toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
  });
});
