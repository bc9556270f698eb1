import type { ServerResponse } from 'node:http';
import { sendJson, startLoopbackServer, writeFrames, type FakeRequest } from './loopback-server.js';

/** Token counts a fake Anthropic message reports (`input_tokens` excludes cache reads, as Anthropic counts). */
export interface FakeAnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens?: number;
}

/** How the fake Anthropic server answers one request to `/v1/messages`. */
export type FakeAnthropicReply =
  | {
      text: string;
      usage?: FakeAnthropicUsage;
      stopReason?: string;
      model?: string;
      /** Streaming only: send this many SSE events, then go silent with the stream left open. */
      stallAfter?: number;
      /** Streaming only: send this many SSE events, then close the stream before `message_stop`. */
      cutAfter?: number;
    }
  | { status: number; type?: string; message?: string; retryAfter?: number }
  | { hang: true }
  | { malformed: true }
  | ((body: unknown, index: number) => FakeAnthropicReply);

export interface FakeAnthropicServer {
  /** Base URL to give the SDK (it appends `/v1/messages`). */
  url: string;
  requests: FakeRequest[];
  close(): Promise<void>;
}

const defaultUsage: FakeAnthropicUsage = { input_tokens: 12, output_tokens: 6 };

const errorTypes: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

function sendMessage(
  response: ServerResponse,
  reply: Extract<FakeAnthropicReply, { text: string }>,
  body: unknown,
  index: number,
): void {
  const requested = (body as { model?: unknown } | null)?.model;
  const model = reply.model ?? (typeof requested === 'string' ? requested : 'claude-fake');
  const id = `msg_fake_${index + 1}`;
  const usage = reply.usage ?? defaultUsage;
  const stopReason = reply.stopReason ?? 'end_turn';
  const fullUsage = { cache_creation_input_tokens: 0, cache_read_input_tokens: 0, ...usage };
  if ((body as { stream?: unknown } | null)?.stream !== true) {
    sendJson(response, 200, {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [{ type: 'text', text: reply.text }],
      stop_reason: stopReason,
      stop_sequence: null,
      usage: fullUsage,
    });
    return;
  }
  const event = (type: string, data: Record<string, unknown>): string =>
    `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const frames = [
    event('message_start', {
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...fullUsage, output_tokens: 1 },
      },
    }),
    event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    event('ping', {}),
  ];
  for (const piece of reply.text.match(/[\s\S]{1,8}/g) ?? []) {
    frames.push(event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } }));
  }
  if (reply.cutAfter !== undefined) {
    writeFrames(response, frames.slice(0, reply.cutAfter), undefined);
    return;
  }
  frames.push(
    event('content_block_stop', { index: 0 }),
    event('message_delta', {
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    }),
    event('message_stop', {}),
  );
  writeFrames(response, frames, reply.stallAfter);
}

/**
 * A loopback server speaking Anthropic's Messages API (JSON and the SSE event stream) for
 * tests driven through the real `@anthropic-ai/sdk`: each request takes the next reply of
 * `script`; past the end it answers 500.
 *
 * @example
 * const server = await startFakeAnthropicServer([{ status: 529 }, { text: 'hi' }]);
 * const model = createAnthropic({ baseURL: server.url, apiKey: 'k', modelId: 'claude-sonnet-4-5' });
 */
export async function startFakeAnthropicServer(script: FakeAnthropicReply[]): Promise<FakeAnthropicServer> {
  const server = await startLoopbackServer((request, response, index) => {
    let reply = script[index];
    while (typeof reply === 'function') reply = reply(request.body, index);
    if (reply === undefined) {
      sendJson(response, 500, {
        type: 'error',
        error: { type: 'api_error', message: `fake server: request ${index + 1} has no reply` },
      });
    } else if ('hang' in reply) {
      // Never answer.
    } else if ('malformed' in reply) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"id": "msg_broken", "content": [');
    } else if ('text' in reply) {
      sendMessage(response, reply, request.body, index);
    } else {
      const headers: Record<string, string> = {};
      if (reply.retryAfter !== undefined) headers['retry-after'] = String(reply.retryAfter);
      const type = reply.type ?? errorTypes[reply.status] ?? 'api_error';
      sendJson(
        response,
        reply.status,
        { type: 'error', error: { type, message: reply.message ?? `fake server: status ${reply.status}` } },
        headers,
      );
    }
  });
  return { url: server.origin, requests: server.requests, close: server.close };
}
