import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { filterJsonRpcLines } from './message-filter.js';

/** Feeds `chunks` through the filter; what it passed on and what it answered. */
async function filter(
  chunks: Array<string | Buffer>,
  maxMessageBytes?: number,
): Promise<{ passed: string[]; replies: unknown[] }> {
  const input = new PassThrough();
  const replies: unknown[] = [];
  const output = filterJsonRpcLines(input, {
    reply: (line) => replies.push(JSON.parse(line)),
    ...(maxMessageBytes ? { maxMessageBytes } : {}),
  });
  let passed = '';
  output.on('data', (chunk: Buffer) => (passed += chunk.toString('utf8')));
  const ended = new Promise((resolve) => output.once('end', resolve));
  for (const chunk of chunks) input.write(chunk);
  input.end();
  await ended;
  return { passed: passed.split('\n').filter((line) => line !== ''), replies };
}

const ping = (id: number) => JSON.stringify({ jsonrpc: '2.0', id, method: 'ping' });

describe('filterJsonRpcLines', () => {
  it('passes valid messages on, whole, however the bytes are split', async () => {
    const text = `${ping(1)}\n${ping(2)}\r\n`;
    const { passed, replies } = await filter([text.slice(0, 7), text.slice(7, 30), text.slice(30)]);
    expect(passed).toEqual([ping(1), ping(2)]);
    expect(replies).toEqual([]);
  });

  it('answers every malformed message with a JSON-RPC error, with its id where it has one', async () => {
    const { passed, replies } = await filter([
      '{not json\n',
      `${JSON.stringify({ jsonrpc: '1.0', id: 7, method: 'ping' })}\n`,
      `${JSON.stringify({ jsonrpc: '2.0', id: 'x', method: 'tools/call', params: null })}\n`,
      '[1, 2]\n',
      '\n',
      `${ping(3)}\n`,
    ]);
    expect(passed).toEqual([ping(3)]);
    expect(replies).toEqual([
      { jsonrpc: '2.0', id: null, error: { code: -32700, message: expect.stringMatching(/^Parse error: /) } },
      {
        jsonrpc: '2.0',
        id: 7,
        error: { code: -32600, message: expect.stringMatching(/^Invalid Request: not a JSON-RPC 2.0 message/) },
      },
      { jsonrpc: '2.0', id: 'x', error: { code: -32600, message: expect.stringMatching(/^Invalid Request: /) } },
      { jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.stringMatching(/^Invalid Request: /) } },
    ]);
  });

  it('skips an oversized message without holding it, answers it by its id, and reads on', async () => {
    const big = `{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"arguments":{"program":"${'x'.repeat(5000)}`;
    const { passed, replies } = await filter([big, 'x'.repeat(5000), '"}}}\n', `${ping(5)}\n`], 1000);
    expect(replies).toEqual([
      {
        jsonrpc: '2.0',
        id: 42,
        error: { code: -32600, message: 'Invalid Request: the message is over 1000 bytes, the most this server reads' },
      },
    ]);
    expect(passed).toEqual([ping(5)]);
  });
});
