import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
}

export interface LoopbackServer {
  /** e.g. `http://127.0.0.1:PORT` */
  origin: string;
  requests: FakeRequest[];
  /** Stops the server, cutting any request or stream left hanging. */
  close(): Promise<void>;
}

/** Answers one request; `index` counts requests from 0. Leave `response` open to hang. */
export type LoopbackHandler = (request: FakeRequest, response: ServerResponse, index: number) => void;

/** Writes a JSON answer. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/**
 * A real HTTP server on 127.0.0.1 (a free port) for provider tests: it reads each request's
 * body, keeps every request in `requests`, and hands it to `handle`.
 */
export async function startLoopbackServer(handle: LoopbackHandler): Promise<LoopbackServer> {
  const requests: FakeRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        // Keep the raw text.
      }
      const index = requests.length;
      const recorded: FakeRequest = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body,
      };
      requests.push(recorded);
      handle(recorded, response, index);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('loopback server: no TCP address');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** Writes SSE frames one by one; `stallAfter` frames in, it stops writing and leaves the stream open. */
export function writeFrames(response: ServerResponse, frames: string[], stallAfter: number | undefined): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const limit = stallAfter === undefined ? frames.length : Math.min(stallAfter, frames.length);
  for (const frame of frames.slice(0, limit)) response.write(frame);
  if (stallAfter === undefined) response.end();
}
