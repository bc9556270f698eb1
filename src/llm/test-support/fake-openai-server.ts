import type { ServerResponse } from 'node:http';
import { sendJson, startLoopbackServer, writeFrames, type FakeRequest } from './loopback-server.js';

export type { FakeRequest } from './loopback-server.js';

/** Token counts a fake completion reports. */
export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens?: number;
}

/** How the fake server answers one request. */
export type FakeReply =
  | {
      text: string;
      usage?: FakeUsage;
      finishReason?: string;
      model?: string;
      id?: string;
      /** Streaming only: send this many SSE frames, then go silent with the stream left open. */
      stallAfter?: number;
      /** Streaming only: send this many SSE frames, then close the stream without a finish reason. */
      cutAfter?: number;
    }
  | { status: number; message?: string; retryAfter?: number; retryAfterMs?: number; body?: unknown }
  | { hang: true }
  | { malformed: true }
  | ((body: unknown, index: number) => FakeReply);

export interface FakeOpenAIServer {
  /** Base URL to give the SDK, e.g. `http://127.0.0.1:PORT/v1`. */
  url: string;
  requests: FakeRequest[];
  /** Stops the server, cutting any request it left hanging. */
  close(): Promise<void>;
}

const defaultUsage: FakeUsage = { prompt_tokens: 10, completion_tokens: 5 };

function usageJson(usage: FakeUsage): Record<string, unknown> {
  return {
    prompt_tokens: usage.prompt_tokens,
    completion_tokens: usage.completion_tokens,
    total_tokens: usage.prompt_tokens + usage.completion_tokens,
    prompt_tokens_details: { cached_tokens: usage.cached_tokens ?? 0 },
  };
}

function sendText(
  response: ServerResponse,
  reply: Extract<FakeReply, { text: string }>,
  body: unknown,
  index: number,
): void {
  const requested = (body as { model?: unknown } | null)?.model;
  const model = reply.model ?? (typeof requested === 'string' ? requested : 'fake-model');
  const id = reply.id ?? `chatcmpl-fake-${index + 1}`;
  const created = Math.floor(Date.now() / 1000);
  const finishReason = reply.finishReason ?? 'stop';
  const usage = usageJson(reply.usage ?? defaultUsage);
  if ((body as { stream?: unknown } | null)?.stream === true) {
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): string =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...extra })}\n\n`;
    const frames = [chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }])];
    for (const piece of reply.text.match(/[\s\S]{1,8}/g) ?? []) {
      frames.push(chunk([{ index: 0, delta: { content: piece }, finish_reason: null }]));
    }
    if (reply.cutAfter !== undefined) {
      writeFrames(response, frames.slice(0, reply.cutAfter), undefined);
      return;
    }
    frames.push(
      chunk([{ index: 0, delta: {}, finish_reason: finishReason }]),
      chunk([], { usage }),
      'data: [DONE]\n\n',
    );
    writeFrames(response, frames, reply.stallAfter);
    return;
  }
  sendJson(response, 200, {
    id,
    object: 'chat.completion',
    created,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: reply.text }, finish_reason: finishReason }],
    usage,
  });
}

/**
 * A loopback OpenAI-compatible server for tests: each request (any path) takes the next
 * reply of `script`; past the end it answers 500. Streams SSE chunks when asked to, and can
 * stall or cut a stream halfway.
 *
 * @example
 * const server = await startFakeOpenAIServer([{ status: 429, retryAfter: 1 }, { text: 'hi' }]);
 * try { ... createOpenAICompatible({ baseURL: server.url, apiKey: 'test', modelId: 'm' }) ... } finally { await server.close(); }
 */
export async function startFakeOpenAIServer(script: FakeReply[]): Promise<FakeOpenAIServer> {
  const server = await startLoopbackServer((request, response, index) => {
    const body = request.body;
    let reply = script[index];
    while (typeof reply === 'function') reply = reply(body, index);
    if (reply === undefined) {
      sendJson(response, 500, {
        error: {
          message: `fake server: the script has ${script.length} replies; request ${index + 1} has none`,
          type: 'server_error',
        },
      });
    } else if ('hang' in reply) {
      // Never answer; close() destroys the socket.
    } else if ('malformed' in reply) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"id": "chatcmpl-broken", "choices": [');
    } else if ('text' in reply) {
      sendText(response, reply, body, index);
    } else {
      const headers: Record<string, string> = {};
      if (reply.retryAfter !== undefined) headers['retry-after'] = String(reply.retryAfter);
      if (reply.retryAfterMs !== undefined) headers['retry-after-ms'] = String(reply.retryAfterMs);
      const message = reply.message ?? `fake server: status ${reply.status}`;
      sendJson(response, reply.status, reply.body ?? { error: { message, type: 'fake_error', code: null } }, headers);
    }
  });
  return { url: `${server.origin}/v1`, requests: server.requests, close: server.close };
}
