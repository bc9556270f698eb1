import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { embedLexical } from '../lexical.js';

/** One request the fake server received. */
export interface RecordedEmbeddingsRequest {
  url: string;
  authorization: string | undefined;
  body: { model: string; input: string[]; dimensions?: number; encoding_format?: string };
}

/** What the fake server answers instead of embeddings, for a given request number (0-based). */
export type EmbeddingsServerReply = { status: number; body: string } | undefined;

/**
 * A loopback OpenAI-compatible embeddings server for tests. Its vectors are the lexical
 * embedder's (deterministic, and similar texts are close), of the requested `dimensions`
 * or of `nativeDimensions`.
 */
export async function startEmbeddingsServer(
  options: { nativeDimensions?: number; reply?: (requestNumber: number) => EmbeddingsServerReply } = {},
): Promise<{ baseURL: string; requests: RecordedEmbeddingsRequest[]; close: () => Promise<void> }> {
  const requests: RecordedEmbeddingsRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RecordedEmbeddingsRequest['body'];
      const requestNumber = requests.length;
      requests.push({ url: request.url ?? '', authorization: request.headers.authorization, body });
      const reply = options.reply?.(requestNumber);
      if (reply !== undefined) {
        response.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
        return;
      }
      if (request.url !== '/v1/embeddings') {
        response
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { message: 'not found' } }));
        return;
      }
      const dimensions = body.dimensions ?? options.nativeDimensions ?? 64;
      const data = body.input.map((text, index) => ({
        object: 'embedding',
        index,
        embedding: Array.from(embedLexical(text, dimensions)),
      }));
      // Answer out of order: the client must sort by index.
      data.reverse();
      const tokens = body.input.reduce((sum, text) => sum + text.split(/\s+/).length, 0);
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          object: 'list',
          model: body.model,
          data,
          usage: { prompt_tokens: tokens, total_tokens: tokens },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
