import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMcpServer } from './server.js';
import { openMcpSession, type McpSession } from './session.js';
import { writeScoreExperiment } from './test-support/score-experiment.js';

let session: McpSession | undefined;
let client: Client | undefined;
let dir: string | undefined;

async function callOk(name: string, args: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const result = (await client?.callTool({ name, arguments: args })) as CallToolResult;
  expect(result.isError, (result.content[0] as { text: string }).text).toBeFalsy();
  return result.structuredContent as Record<string, any>;
}

afterEach(async () => {
  await client?.close();
  await session?.close();
  if (dir !== undefined) rmSync(dirname(dir), { recursive: true, force: true });
  client = undefined;
  session = undefined;
  dir = undefined;
});

describe('MCP sample_context with objectives', () => {
  it('names the objectives and says where each context node stands, as the Researcher is told', async () => {
    dir = writeScoreExperiment({
      objectives: { metrics: [{ name: 'eval_score', direction: 'maximise', min: 0 }] },
      database: { sampling: { algorithm: 'pareto' } },
    });
    session = await openMcpSession({ dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, log: () => undefined });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await (await createMcpServer(session)).connect(serverSide);
    client = new Client({ name: 'test-agent', version: '1.0.0' });
    await client.connect(clientSide);

    const first = await callOk('sample_context');
    expect(first.objectives).toEqual([{ name: 'eval_score', direction: 'maximize', min: 0 }]);
    expect(first.context[0]).toMatchObject({
      id: 0,
      standing: { on_front: true, rank: 0, feasible: true, values: { eval_score: 1 }, wins_instances: [] },
    });

    const program = 'score = 3\n';
    await callOk('evaluate', { program });
    await callOk('record_node', { program, name: 'three', motivation: 'A larger number.', analysis: '1 → 3.' });
    const second = await callOk('sample_context');
    const standing = Object.fromEntries(
      (second.context as Array<{ id: number; standing: { rank: number } }>).map((node) => [
        node.id,
        node.standing.rank,
      ]),
    );
    expect(standing).toEqual({ 0: 1, 1: 0 });
  });
});
