import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  cliEnv,
  makeExperiment,
  readStored,
  repoRoot,
  startCli,
  storedSteps,
  useE2eCleanup,
  waitFor,
} from './helpers.js';

useE2eCleanup();

interface McpConnection {
  client: Client;
  transport: StdioClientTransport;
  stderr(): string;
  /** Protocol or transport errors the client saw (a stray line on stdout is one). */
  errors: Error[];
}

const open: McpConnection[] = [];

/** Spawns `node bin/asi-evolve.js mcp DIR` behind a real MCP client. */
async function connectMcp(dir: string): Promise<McpConnection> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [join(repoRoot, 'bin', 'asi-evolve.js'), 'mcp', dir],
    env: cliEnv(),
    cwd: repoRoot,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const client = new Client({ name: 'e2e-agent', version: '1.0.0' });
  const connection: McpConnection = { client, transport, stderr: () => stderr, errors: [] };
  client.onerror = (error) => connection.errors.push(error);
  await client.connect(transport);
  open.push(connection);
  return connection;
}

afterEach(async () => {
  for (const connection of open.splice(0)) await connection.client.close();
});

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

async function callOk(client: Client, name: string, args: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const result = await call(client, name, args);
  const text = (result.content[0] as { text: string }).text;
  expect(result.isError, text).toBeFalsy();
  return JSON.parse(text) as Record<string, any>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const cognition = stringify([
  {
    id: 'bigger-is-better',
    title: 'Bigger numbers score higher',
    content: 'The score is the number on the line score = X.',
    source: 'e2e',
  },
]);

describe('asi-evolve mcp', () => {
  it('lets an agent read the task, sample the seed, evaluate and record a better node, and find it as best', async () => {
    const dir = makeExperiment({
      initialProgram: 'score = 1.5\n',
      files: { 'cognition.yaml': cognition },
      config: { cognition: { retrieval: { score_threshold: 0 } } },
    });
    const { client, transport, stderr, errors } = await connectMcp(dir);

    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      'best',
      'evaluate',
      'record_node',
      'sample_context',
      'search_cognition',
      'stats',
      'task',
    ]);
    const task = await callOk(client, 'task');
    expect(task).toMatchObject({
      task: expect.stringContaining('score = X'),
      has_initial_program: true,
      stored_rounds: 0,
      best_score: null,
    });

    // A fresh experiment: the seed is evaluated and stored as node 0, and offered as the parent.
    const context = await callOk(client, 'sample_context');
    expect(context).toMatchObject({ step: 1, parent_id: 0 });
    expect(context.context[0]).toMatchObject({ id: 0, program: 'score = 1.5\n', score: 1.5 });
    expect(context.cognition.map((item: { id: string }) => item.id)).toEqual(['bigger-is-better']);

    // The agent's design: the parent's number, doubled.
    const parent = context.context[0] as { id: number; program: string };
    const program = parent.program.replace(
      /score = ([\d.]+)/,
      (_line, value: string) => `score = ${Number(value) * 2}`,
    );
    const evaluated = await callOk(client, 'evaluate', { program });
    expect(evaluated).toMatchObject({ status: 'ok', score: 3, reason: null });
    expect(storedSteps(dir)).toEqual([0]);

    const recorded = await callOk(client, 'record_node', {
      program,
      name: 'doubled',
      motivation: 'Double the score line of the parent.',
      analysis: 'Doubling worked (1.5 → 3); doubling again should help.',
      parent_ids: [parent.id],
    });
    expect(recorded).toMatchObject({
      id: 1,
      step: 1,
      score: 3,
      success: true,
      is_new_best: true,
      parent_ids: [0],
      cognition_ids: ['bigger-is-better'],
    });
    expect(readFileSync(join(dir, 'best', 'code'), 'utf8')).toBe(program);
    expect(existsSync(join(dir, 'steps', 'step_1', 'node.json'))).toBe(true);

    const best = await callOk(client, 'best');
    expect(best.best).toMatchObject({ id: 1, score: 3, program, motivation: 'Double the score line of the parent.' });
    expect(await callOk(client, 'stats')).toMatchObject({
      rounds: 1,
      succeeded: 1,
      failed: 0,
      best: { id: 1, score: 3 },
    });

    const bad = await call(client, 'record_node', {
      program,
      name: 'again',
      motivation: 'm',
      analysis: 'a',
      parent_ids: [7],
    });
    expect(bad.isError).toBe(true);
    expect((bad.content[0] as { text: string }).text).toContain('parent_ids: no node 7');

    // Only protocol messages came on stdout; notices went to stderr.
    expect(errors).toEqual([]);
    expect(stderr()).toContain('asi-evolve mcp: serving');

    // Closing stdin ends the server by itself (no SIGTERM needed: that would take 2 s).
    const pid = transport.pid as number;
    const started = Date.now();
    await client.close();
    open.length = 0;
    expect(Date.now() - started).toBeLessThan(1900);
    expect(isAlive(pid)).toBe(false);
  });

  it('record_node is refused while `asi-evolve run` holds the experiment', async () => {
    const slowEval = `#!/usr/bin/env bash
set -eu
sleep 0.4
score=$(sed -n 's/^score *= *\\([-0-9.eE+]*\\).*/\\1/p' "$1" | head -n 1)
printf '{"eval_score": %s, "success": true}\\n' "\${score:-0}" > results.json
`;
    // Constants the built-in operator can tune, so that the run goes on round after round.
    const dir = makeExperiment({
      initialProgram: 'score = 1.0\nbonus = 2.5\n',
      evalScript: slowEval,
      config: { evaluator: { reproduce: { count: 0 } } },
    });
    const run = startCli(['run', dir, '--steps', '200']);
    await waitFor(() => storedSteps(dir).includes(0), 'the run to store the seed');
    const lock = readFileSync(join(dir, 'asi-evolve.db.lock'), 'utf8').trim();
    expect(lock).toBe(String(run.child.pid));

    const { client } = await connectMcp(dir);
    const result = await call(client, 'record_node', {
      program: 'score = 9\n',
      name: 'nine',
      motivation: 'm',
      analysis: 'a',
    });
    expect(result.isError).toBe(true);
    expect((result.content[0] as { text: string }).text).toContain(
      `another run (process ${run.child.pid}) is already running this experiment`,
    );
    // Reading goes on beside the run.
    expect((await callOk(client, 'stats')).seed).toMatchObject({ score: 1, success: true });
    expect(run.child.exitCode).toBeNull();
    run.child.kill('SIGKILL');
    await run.done;
    // Nothing of the agent's was stored.
    expect(readStored(dir).nodes.filter((node) => node.operator === 'mcp')).toEqual([]);
  });
});
