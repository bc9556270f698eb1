import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, makeExperiment, repoRoot, useE2eCleanup } from '../e2e/helpers.js';

useE2eCleanup();

/** `asi-evolve mcp DIR` under `/usr/bin/time -v`, spoken to in raw protocol lines. */
function startRawMcp(dir: string) {
  const child = spawn('/usr/bin/time', ['-v', process.execPath, join(repoRoot, 'bin', 'asi-evolve.js'), 'mcp', dir], {
    env: cliEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const answers = new Map<unknown, Record<string, unknown>>();
  const waiting = new Map<unknown, (answer: Record<string, unknown>) => void>();
  let pending = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    for (let newline = pending.indexOf('\n'); newline !== -1; newline = pending.indexOf('\n')) {
      const answer = JSON.parse(pending.slice(0, newline)) as Record<string, unknown>;
      pending = pending.slice(newline + 1);
      answers.set(answer.id, answer);
      waiting.get(answer.id)?.(answer);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  return {
    send: (line: string) => child.stdin.write(`${line}\n`),
    /** The answer with this id (null: the one answer to an unidentifiable message). */
    answer: (id: unknown) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no answer with id ${String(id)}; stderr:\n${stderr}`)),
          30_000,
        );
        const found = answers.get(id);
        const done = (answer: Record<string, unknown>) => {
          clearTimeout(timer);
          answers.delete(id);
          resolve(answer);
        };
        if (found) done(found);
        else waiting.set(id, done);
      }),
    /** Closes stdin; the exit code and the peak memory in MB. */
    async close(): Promise<{ code: number | null; peakMb: number; stderr: string }> {
      child.stdin.end();
      const code = await exited;
      const kilobytes = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1];
      return { code, peakMb: Number(kilobytes) / 1024, stderr };
    },
    alive: () => child.exitCode === null,
  };
}

const request = (id: number | string, method: string, params?: unknown) =>
  JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });
const toolCall = (id: number, name: string, args: Record<string, unknown>) =>
  request(id, 'tools/call', { name, arguments: args });

describe('the MCP server bounds what it reads and answers every malformed request', () => {
  it('survives a 50 MB message and a 5 MB program, answers params: null and jsonrpc 1.0, and stays in little memory', async () => {
    const dir = makeExperiment({ initialProgram: 'score = 1\n' });
    const server = startRawMcp(dir);
    server.send(
      request(1, 'initialize', {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'raw', version: '1' },
      }),
    );
    expect(await server.answer(1)).toHaveProperty('result');
    server.send(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));

    server.send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: null }));
    expect(await server.answer(2)).toMatchObject({ error: { code: -32600 } });
    server.send(JSON.stringify({ jsonrpc: '1.0', id: 3, method: 'tools/list' }));
    expect(await server.answer(3)).toMatchObject({ error: { code: -32600 } });
    server.send('this is not json');
    expect(await server.answer(null)).toMatchObject({ error: { code: -32700 } });

    // 50 MB in one message: refused unread, answered by its id.
    server.send(toolCall(4, 'evaluate', { program: `score = 9\n${'#'.repeat(50 * 1024 * 1024)}` }));
    expect(await server.answer(4)).toMatchObject({
      error: { code: -32600, message: expect.stringContaining('over 8388608 bytes') },
    });
    // 5 MB: read, and refused by its length before anything is evaluated.
    server.send(toolCall(5, 'evaluate', { program: `score = 9\n${'#'.repeat(5 * 1024 * 1024)}` }));
    const tooLong = (await server.answer(5)) as { result: { isError: boolean; content: Array<{ text: string }> } };
    expect(tooLong.result.isError).toBe(true);
    expect(tooLong.result.content[0]?.text).toContain('program is 5242890 characters; at most 100000 are accepted');

    // And it still serves.
    server.send(toolCall(6, 'evaluate', { program: 'score = 3\n' }));
    const evaluated = (await server.answer(6)) as { result: { structuredContent: { status: string; score: number } } };
    expect(evaluated.result.structuredContent).toMatchObject({ status: 'ok', score: 3 });
    expect(server.alive()).toBe(true);
    const { code, peakMb } = await server.close();
    expect(code).toBe(0);
    expect(peakMb).toBeLessThan(500);
  });
});
