import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMcpServer } from './server.js';
import { openMcpSession, type McpSession } from './session.js';
import { writeScoreExperiment } from './test-support/score-experiment.js';

let dir: string;
let session: McpSession;
let client: Client;
const children: ChildProcess[] = [];
const logged: string[] = [];

/** A credential in the server's environment that an agent might echo. */
const agentVisibleKey = 'sk-mcp-echo-canary-0123456789';

async function connect(): Promise<void> {
  session = await openMcpSession({
    dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', SERVICE_API_KEY: agentVisibleKey },
    log: (line) => logged.push(line),
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await (await createMcpServer(session)).connect(serverSide);
  client = new Client({ name: 'test-agent', version: '1.0.0' });
  await client.connect(clientSide);
}

async function call(name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

/** The JSON answer of a tool that must succeed; its text and structured content must agree. */
async function callOk(name: string, args: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const result = await call(name, args);
  const text = (result.content[0] as { text: string }).text;
  expect(result.isError, text).toBeFalsy();
  expect(JSON.parse(text)).toEqual(result.structuredContent);
  return result.structuredContent as Record<string, any>;
}

async function callError(name: string, args: Record<string, unknown>): Promise<string> {
  const result = await call(name, args);
  expect(result.isError).toBe(true);
  return (result.content[0] as { text: string }).text;
}

beforeEach(async () => {
  dir = writeScoreExperiment();
  logged.length = 0;
  await connect();
});

afterEach(async () => {
  await client.close();
  await session.close();
  for (const child of children.splice(0)) child.kill('SIGKILL');
  rmSync(dirname(dir), { recursive: true, force: true });
});

describe('the MCP tools on an experiment', () => {
  it('lists the tools and describes the task', async () => {
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
    const task = await callOk('task');
    expect(task).toMatchObject({
      task: 'Maximise the number on the line `score = X` of the program.\n',
      program_file: 'program',
      has_initial_program: true,
      seed_stored: false,
      stored_rounds: 0,
      best_score: null,
      sample_n: 2,
    });
    expect(task.evaluator_command).toContain('eval.sh');
    // The notices of the run's preset went to the log, not to the protocol.
    expect(logged.join('')).toContain('Cognition: 2 items');
    // The agent designs here: the run's built-in-operator notice would mislead.
    expect(logged.join('')).toContain('MCP: the agent designs and analyses');
    expect(logged.join('')).not.toContain('BUILT-IN NO-MODEL OPERATOR');
  });

  it('sample_context stores the seed first and offers it as the parent, with the cognition retrieved for it', async () => {
    const context = await callOk('sample_context');
    expect(context).toMatchObject({ step: 1, parent_id: 0 });
    expect(context.context).toHaveLength(1);
    expect(context.context[0]).toMatchObject({ id: 0, program: 'score = 1\n', score: 1, success: true });
    expect(context.context[0].analysis).not.toBe('');
    expect(context.cognition.map((item: { id: string }) => item.id)).toContain('raise-the-score');
    expect(session.store.listNodes().map((node) => node.operator)).toEqual(['seed']);
    // Asking again changes nothing: the seed is stored once.
    await callOk('sample_context', { n: 3 });
    expect(session.store.countNodes()).toBe(1);
  });

  it('evaluate scores a candidate in a scratch folder and stores nothing', async () => {
    const better = await callOk('evaluate', { program: 'score = 7\n' });
    expect(better).toMatchObject({
      status: 'ok',
      score: 7,
      eval_score: 7,
      reason: null,
      results: { eval_score: 7, success: true },
    });
    expect(better.logs).toContain('scored 7');
    expect(relative(join(dir, 'steps'), better.folder)).toMatch(/^mcp-[^/]+\/step_1$/);
    expect(existsSync(join(better.folder, 'results.json'))).toBe(true);

    const crashed = await callOk('evaluate', { program: 'score = 9\ncrash\n' });
    expect(crashed).toMatchObject({ status: 'failed', score: null, reason: 'exit-code' });
    expect(crashed.logs).toContain('candidate crashed');
    expect(crashed.folder).not.toBe(better.folder);

    expect(session.store.countNodes()).toBe(0);
    expect(existsSync(join(dir, 'steps', 'step_1'))).toBe(false);
    // The scratch folders go with the server.
    await session.close();
    expect(existsSync(better.folder)).toBe(false);
  });

  it('record_node stores no known secret an agent echoed, and evaluate runs none', async () => {
    await callOk('sample_context');
    const echoed = `uses ${agentVisibleKey}`;
    await callOk('record_node', {
      program: `score = 5\n# ${agentVisibleKey}\n`,
      name: echoed,
      motivation: echoed,
      analysis: echoed,
    });
    expect(session.store.requireNode(1)).toMatchObject({
      name: 'uses [redacted]',
      motivation: 'uses [redacted]',
      analysis: 'uses [redacted]',
      program: 'score = 5\n# [redacted]\n',
    });
    expect(readFileSync(join(dir, 'steps', 'step_1', 'code'), 'utf8')).not.toContain(agentVisibleKey);
    const evaluated = await callOk('evaluate', { program: `score = 4\n# ${agentVisibleKey}\n` });
    expect(JSON.stringify(evaluated)).not.toContain(agentVisibleKey);
  });

  it('record_node stores the agent design as the next round, with its analysis, parents and best/', async () => {
    await callOk('sample_context');
    const first = await callOk('record_node', {
      program: 'score = 5\n',
      name: 'five',
      motivation: 'a larger score line',
      analysis: 'Five beats one: raise it further.',
    });
    expect(first).toMatchObject({
      id: 1,
      step: 1,
      score: 5,
      success: true,
      is_new_best: true,
      parent_ids: [0],
      best: { id: 1, score: 5 },
    });
    const stored = session.store.requireNode(1);
    expect(stored).toMatchObject({
      name: 'five',
      motivation: 'a larger score line',
      analysis: 'Five beats one: raise it further.',
      operator: 'mcp',
      program: 'score = 5\n',
    });
    // The seed was visited as the round's parent, and the step folder and best/ are written as a round's.
    expect(session.store.requireNode(0).visitCount).toBe(1);
    expect(JSON.parse(readFileSync(join(dir, 'steps', 'step_1', 'node.json'), 'utf8'))).toMatchObject({
      id: 1,
      operator: 'mcp',
    });
    expect(readFileSync(join(dir, 'steps', 'step_1', 'analysis.md'), 'utf8')).toBe(
      'Five beats one: raise it further.\n',
    );
    expect(readFileSync(join(dir, 'best', 'code'), 'utf8')).toBe('score = 5\n');

    const second = await callOk('record_node', {
      program: 'score = 2\n',
      name: 'two',
      motivation: 'smaller',
      analysis: 'Worse.',
      parent_ids: [1, 0],
    });
    expect(second).toMatchObject({ id: 2, score: 2, is_new_best: false, parent_ids: [1, 0], best: { id: 1 } });
    const failed = await callOk('record_node', {
      program: 'crash\n',
      name: 'broken',
      motivation: 'm',
      analysis: 'It crashed.',
      parent_ids: [],
    });
    expect(failed).toMatchObject({ id: 3, success: false, score: null, is_new_best: false, parent_ids: [] });
    expect(failed.error).toMatch(/^exit-code/);

    const best = await callOk('best');
    expect(best.best).toMatchObject({ id: 1, score: 5, program: 'score = 5\n', motivation: 'a larger score line' });
    const stats = await callOk('stats', { recent: 2 });
    expect(stats).toMatchObject({
      rounds: 3,
      succeeded: 2,
      failed: 1,
      seed: { score: 1, success: true },
      best: { id: 1, score: 5 },
      spend: { usd: 0, calls: 0 },
    });
    expect(stats.recent.map((node: { id: number }) => node.id)).toEqual([2, 3]);
  });

  it('record_node without parent_ids records the nodes sample_context showed; parallel calls take one step each', async () => {
    const recorded = await Promise.all(
      [3, 4, 2].map((score) =>
        callOk('record_node', {
          program: `score = ${score}\n`,
          name: `s${score}`,
          motivation: 'm',
          analysis: `scored ${score}`,
        }),
      ),
    );
    expect(recorded.map((node) => node.id).sort()).toEqual([1, 2, 3]);
    expect(session.store.completedSteps()).toEqual(new Set([1, 2, 3]));
    const shown = await callOk('sample_context');
    expect(shown.step).toBe(4);
    expect(shown.context).toHaveLength(2);
    const next = await callOk('record_node', { program: 'score = 6\n', name: 'six', motivation: 'm', analysis: 'a' });
    expect(next).toMatchObject({ id: 4, parent_ids: shown.context.map((node: { id: number }) => node.id) });
    expect(next.cognition_ids.sort()).toEqual(shown.cognition.map((item: { id: string }) => item.id).sort());
  });

  it('search_cognition finds the closest items first', async () => {
    const found = await callOk('search_cognition', { query: 'raise the score line', top_k: 1 });
    expect(found.items).toHaveLength(1);
    expect(found.items[0]).toMatchObject({ id: 'raise-the-score', source: 'test' });
    expect(found.items[0].score).toBeGreaterThan(0);
  });

  it('answers a bad argument with a tool error naming it', async () => {
    expect(await callError('sample_context', { n: 0 })).toMatch(/n must be at least 1/);
    expect(await callError('evaluate', { program: '  ' })).toMatch(/program is empty/);
    expect(
      await callError('record_node', {
        program: 'score = 2\n',
        name: 'x',
        motivation: 'm',
        analysis: 'a',
        parent_ids: [99],
      }),
    ).toMatch(/parent_ids: no node 99/);
    expect(await callError('record_node', { program: 'score = 2\n', name: 'x', motivation: 'm' })).toMatch(
      /analysis is required at analysis/,
    );
    expect(await callError('search_cognition', { query: 'x', top_k: 'many' })).toMatch(/top_k must be a number/);
    expect(session.store.countNodes()).toBe(0);
  });

  it('record_node refuses while another process holds the run lock, and stores nothing', async () => {
    const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(holder);
    writeFileSync(join(dir, 'asi-evolve.db.lock'), `${holder.pid}\n`);
    const message = await callError('record_node', {
      program: 'score = 5\n',
      name: 'five',
      motivation: 'm',
      analysis: 'a',
    });
    expect(message).toContain(`another run (process ${holder.pid}) is already running this experiment`);
    expect(session.store.countNodes()).toBe(0);
    // sample_context still answers: the run stores the seed itself.
    const context = await callOk('sample_context');
    expect(context.context).toEqual([]);
    expect(context.notes.join('\n')).toContain('another run');
    // Once the run is gone its lock is taken over.
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
    const recorded = await callOk('record_node', {
      program: 'score = 5\n',
      name: 'five',
      motivation: 'm',
      analysis: 'a',
    });
    expect(recorded).toMatchObject({ id: 1, parent_ids: [0] });
    expect(existsSync(join(dir, 'asi-evolve.db.lock'))).toBe(false);
  });
});
