import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { stringify } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { formatFileSet, parseFileSet } from '../domain/index.js';
import { createMcpServer } from './server.js';
import { openMcpSession, type McpSession } from './session.js';
import { writeScoreExperiment } from './test-support/score-experiment.js';

let session: McpSession | undefined;
let client: Client | undefined;
const folders: string[] = [];

/** The evaluator: score = the number in src/a.txt plus the bonus in src/b.txt, read in the workspace. */
const evaluator = `#!/usr/bin/env bash
set -eu
cd "$ASI_EVOLVE_WORKSPACE"
score=$(sed -n 's/^score = //p' src/a.txt)
bonus=$(sed -n 's/^bonus = //p' src/b.txt)
echo "scored $score + $bonus"
printf '{"eval_score": %s, "success": true}\\n' "$((score + bonus))" > "$ASI_STEP_DIR/results.json"
`;

/** A multi-file experiment: the project's src/ is editable, README.md is not. */
function writeProjectExperiment(): string {
  const root = mkdtempSync(join(tmpdir(), 'asi-mcp-files-'));
  folders.push(root);
  const dir = join(root, 'experiment');
  mkdirSync(join(dir, 'project', 'src'), { recursive: true });
  writeFileSync(join(dir, 'input.md'), 'Maximise score plus bonus.\n');
  writeFileSync(join(dir, 'project', 'src', 'a.txt'), 'score = 1\n');
  writeFileSync(join(dir, 'project', 'src', 'b.txt'), 'bonus = 0\n');
  writeFileSync(join(dir, 'project', 'README.md'), 'read only\n');
  writeFileSync(join(dir, 'eval.sh'), evaluator);
  chmodSync(join(dir, 'eval.sh'), 0o755);
  writeFileSync(
    join(dir, 'config.yaml'),
    stringify({ project: { dir: 'project', editable: ['src/'] }, pipeline: { sample_n: 1 } }),
  );
  return dir;
}

async function connect(dir: string): Promise<void> {
  session = await openMcpSession({ dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, log: () => undefined });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await (await createMcpServer(session)).connect(serverSide);
  client = new Client({ name: 'test-agent', version: '1.0.0' });
  await client.connect(clientSide);
}

async function call(name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await client?.callTool({ name, arguments: args })) as CallToolResult;
}

async function callOk(name: string, args: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const result = await call(name, args);
  expect(result.isError, (result.content[0] as { text: string }).text).toBeFalsy();
  return result.structuredContent as Record<string, any>;
}

async function callError(name: string, args: Record<string, unknown>): Promise<string> {
  const result = await call(name, args);
  expect(result.isError).toBe(true);
  return (result.content[0] as { text: string }).text;
}

afterEach(async () => {
  await client?.close();
  await session?.close();
  client = undefined;
  session = undefined;
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('MCP tools on a multi-file experiment', () => {
  it('evaluate takes whole files and edits over a base node, checked against the editable set', async () => {
    await connect(writeProjectExperiment());
    const task = await callOk('task');
    expect(task.project).toEqual({ editable: ['src/**'], seed_files: ['src/a.txt', 'src/b.txt'] });

    const first = await callOk('evaluate', { files: { 'src/a.txt': 'score = 5\n' } });
    expect(first).toMatchObject({ status: 'ok', score: 5, base_id: null });
    expect(first.program).toBe(
      formatFileSet(
        new Map([
          ['src/a.txt', 'score = 5\n'],
          ['src/b.txt', 'bonus = 0\n'],
        ]),
      ),
    );

    await callOk('sample_context');
    const both = await callOk('evaluate', {
      files: { 'src/a.txt': 'score = 2\n', 'src/c.txt': 'new = 1\n' },
      edits: [{ path: 'src/b.txt', search: 'bonus = 0', replace: 'bonus = 40' }],
      base_id: 0,
    });
    expect(both).toMatchObject({ status: 'ok', score: 42, base_id: 0 });
    expect([...(parseFileSet(both.program as string)?.keys() ?? [])]).toEqual(['src/a.txt', 'src/b.txt', 'src/c.txt']);

    expect(await callError('evaluate', { files: { 'README.md': 'changed\n' } })).toContain(
      'files.README.md: README.md is outside the editable files (src/**)',
    );
    expect(await callError('evaluate', { files: { 'src/../README.md': 'x\n' } })).toContain(
      'the path leaves the project (..)',
    );
    expect(
      await callError('evaluate', { edits: [{ path: 'src/a.txt', search: 'score = 99', replace: 'x' }] }),
    ).toContain('the file changes do not apply');
    expect(await callError('evaluate', { program: 'score = 3\n' })).toContain(
      'this experiment evolves a project: pass files',
    );
    expect(await callError('evaluate', { program: 'x', files: { 'src/a.txt': 'x' } })).toContain(
      'give either program or files/edits, not both',
    );
    expect(await callError('evaluate', { files: { 'src/a.txt': 'score = 1\n' }, base_id: 77 })).toContain(
      'base_id: no node 77',
    );
    expect(session?.store.countNodes()).toBe(1);
  });

  it('record_node stores changes to the first parent as a bundle node', async () => {
    await connect(writeProjectExperiment());
    await callOk('sample_context');
    const recorded = await callOk('record_node', {
      edits: [{ path: 'src/b.txt', search: 'bonus = 0', replace: 'bonus = 3' }],
      parent_ids: [0],
      name: 'raise the bonus',
      motivation: 'the bonus is added to the score',
      analysis: 'worked',
    });
    expect(recorded).toMatchObject({ id: 1, score: 4, success: true, parent_ids: [0] });
    expect(session?.store.requireNode(1).program).toBe(
      formatFileSet(
        new Map([
          ['src/a.txt', 'score = 1\n'],
          ['src/b.txt', 'bonus = 3\n'],
        ]),
      ),
    );

    // Without parent_ids the changes go onto the parent the round draws.
    await callOk('sample_context');
    const drawn = await callOk('record_node', {
      files: { 'src/a.txt': 'score = 10\n' },
      name: 'raise the score',
      motivation: 'a larger score line',
      analysis: 'worked',
    });
    const parent = session?.store.requireNode(drawn.parent_ids[0] as number);
    const stored = parseFileSet(session?.store.requireNode(drawn.id as number).program ?? '');
    expect(stored?.get('src/a.txt')).toBe('score = 10\n');
    expect(stored?.get('src/b.txt')).toBe(parseFileSet(parent?.program ?? '')?.get('src/b.txt'));

    expect(
      await callError('record_node', {
        edits: [{ path: 'src/b.txt', search: 'no such line', replace: 'x' }],
        parent_ids: [1],
        name: 'n',
        motivation: 'm',
        analysis: 'a',
      }),
    ).toContain('src/b.txt');
    expect(session?.store.countNodes()).toBe(3);
  });

  it('a single-file experiment refuses files and keeps taking program', async () => {
    const dir = writeScoreExperiment();
    folders.push(dirname(dir));
    await connect(dir);
    expect(await callError('evaluate', { files: { 'program.py': 'score = 2\n' } })).toContain(
      'files and edits are for multi-file experiments',
    );
    expect(await callOk('evaluate', { program: 'score = 2\n' })).toMatchObject({ status: 'ok', score: 2 });
    expect((await callOk('task')).project).toBeNull();
  });
});
