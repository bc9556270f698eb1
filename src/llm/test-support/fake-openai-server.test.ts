import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { startFakeOpenAIServer } from './fake-openai-server.js';

describe('startFakeOpenAIServer', () => {
  it('streams SSE chunks with usage in the last one through the real SDK', async () => {
    const server = await startFakeOpenAIServer([
      { text: 'a streamed answer', usage: { prompt_tokens: 7, completion_tokens: 4 } },
    ]);
    try {
      const client = new OpenAI({ baseURL: server.url, apiKey: 'k', maxRetries: 0 });
      const stream = await client.chat.completions.create({
        model: 'm',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let usage: OpenAI.CompletionUsage | null | undefined;
      let finish: string | null | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
        usage = chunk.usage ?? usage;
      }
      expect(text).toBe('a streamed answer');
      expect(finish).toBe('stop');
      expect(usage?.prompt_tokens).toBe(7);
      expect(usage?.completion_tokens).toBe(4);
    } finally {
      await server.close();
    }
  });

  it('answers from functions of the body, then 500 when the script runs out', async () => {
    const server = await startFakeOpenAIServer([
      (body, index) => ({ text: `${(body as { model: string }).model} #${index}` }),
    ]);
    try {
      const post = () =>
        fetch(`${server.url}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'echo', messages: [] }),
        });
      const first = (await (await post()).json()) as { choices: { message: { content: string } }[] };
      expect(first.choices[0]?.message.content).toBe('echo #0');
      const second = await post();
      expect(second.status).toBe(500);
      expect(((await second.json()) as { error: { message: string } }).error.message).toContain('request 2 has none');
      expect(server.requests.map((request) => request.method)).toEqual(['POST', 'POST']);
    } finally {
      await server.close();
    }
  });

  it('closes while a request hangs', async () => {
    const server = await startFakeOpenAIServer([{ hang: true }]);
    const pending = fetch(`${server.url}/chat/completions`, { method: 'POST', body: '{}' }).then(
      () => 'answered',
      () => 'cut',
    );
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await server.close();
    expect(await pending).toBe('cut');
  });
});
