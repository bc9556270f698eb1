import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { thrownAsiError } from '../test-support/asi-error.js';
import { createTempStore, makeCall, makeNode, type TempStore } from './test-support/fixtures.js';

let temp: TempStore;

beforeEach(() => {
  temp = createTempStore();
});
afterEach(() => temp.cleanup());

const readerScript = fileURLToPath(new URL('./test-support/read-store.ts', import.meta.url));
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

function readInChild(path: string): { count: number; bestId: number | null } {
  const child = spawnSync(process.execPath, ['--import', 'tsx', readerScript, path], {
    cwd: projectRoot,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (child.status !== 0) throw new Error(`reader failed (${child.status}): ${child.stderr}`);
  return JSON.parse(child.stdout) as { count: number; bestId: number | null };
}

describe('openStore', () => {
  it('keeps everything across a reopen', () => {
    const store = temp.open();
    const node = store.insertNode(makeNode({ step: 0 }), {
      calls: [makeCall()],
      samplerState: { name: 'greedy', state: { k: 1 } },
      events: [{ type: 'seed', message: 'seed stored' }],
    });
    store.insertNode(makeNode({ parentIds: [node.id] }), { visitedIds: [node.id] });
    store.setMeta('config-hash', 'abc');
    store.upsertCognitionItems([{ id: 'i', title: 't', content: 'c', source: 's', tags: [], metadata: {} }]);
    store.setEmbedding('i', 'e', new Float32Array([0.5, 0.5]));
    const before = {
      nodes: store.listNodes(),
      calls: store.listLlmCalls(),
      events: store.listEvents(),
      spend: store.spendSummary(),
    };
    store.close();
    store.close();

    const reopened = temp.open();
    expect(reopened.listNodes()).toEqual(before.nodes);
    expect(reopened.listLlmCalls()).toEqual(before.calls);
    expect(reopened.listEvents()).toEqual(before.events);
    expect(reopened.spendSummary()).toEqual(before.spend);
    expect(reopened.loadSamplerState('greedy')).toEqual({ k: 1 });
    expect(reopened.getMeta('config-hash')).toBe('abc');
    expect(reopened.getEmbeddings('e').get('i')).toEqual(new Float32Array([0.5, 0.5]));
    expect(reopened.getNode(0)?.visitCount).toBe(1);
    expect(reopened.insertNode(makeNode()).id).toBe(2);
  });

  it('uses WAL so that another process reads while this one holds a write transaction', () => {
    const store = temp.open();
    store.insertNode(makeNode({ step: 0, score: 1 }));
    const raw = new BetterSqlite3(temp.path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();

    const seen = store.transaction(() => {
      store.insertNode(makeNode({ score: 5 }));
      // Uncommitted here: the other process must not wait for it, and must not see it.
      return readInChild(temp.path);
    });
    expect(seen).toEqual({ count: 1, bestId: 0 });
    expect(readInChild(temp.path)).toEqual({ count: 2, bestId: 1 });
  });

  it('lets a read-only store in this process read beside the writer, and refuses its writes', () => {
    const writer = temp.open();
    writer.insertNode(makeNode({ step: 0 }));
    const reader = temp.open({ readonly: true });
    expect(reader.readonly).toBe(true);
    writer.insertNode(makeNode());
    expect(reader.countNodes()).toBe(2);
    expect(thrownAsiError(() => reader.insertNode(makeNode())).code).toBe('USAGE');
    expect(thrownAsiError(() => reader.setMeta('a', 'b')).code).toBe('USAGE');
    expect(writer.countNodes()).toBe(2);
  });

  it('rolls back a caller transaction that throws', () => {
    const store = temp.open();
    expect(() =>
      store.transaction(() => {
        store.insertNode(makeNode());
        store.setMeta('k', 'v');
        throw new Error('stop');
      }),
    ).toThrow('stop');
    expect(store.countNodes()).toBe(0);
    expect(store.getMeta('k')).toBeUndefined();
  });

  it('reports a damaged JSON column as STORE_CORRUPT naming the file', () => {
    const store = temp.open();
    store.insertNode(makeNode());
    const raw = new BetterSqlite3(temp.path);
    raw.prepare("UPDATE nodes SET results = '{not json'").run();
    raw.close();
    const error = thrownAsiError(() => store.getNode(0));
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.file).toBe(temp.path);
    expect(error.key).toBe('results');
  });

  it('says which file is missing when opened read-only', () => {
    const error = thrownAsiError(() => temp.open({ readonly: true }));
    expect(error.code).toBe('EXPERIMENT_MISSING_FILE');
    expect(error.file).toBe(temp.path);
  });
});
