import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AsiEvolveError } from '../errors.js';
import type { Store } from './store.js';
import { createTempStore, makeCall, makeNode, type TempStore } from './test-support/fixtures.js';

let temp: TempStore;
let store: Store;
const fixedTime = new Date('2026-03-04T05:06:07.089Z');

beforeEach(() => {
  temp = createTempStore();
  store = temp.open({ now: () => fixedTime });
});
afterEach(() => temp.cleanup());

describe('nodes', () => {
  it('round-trips every field', () => {
    const input = makeNode({ parentIds: [], provenance: 'experience' });
    const stored = store.insertNode(input);
    const expected = { ...input, id: 0, visitCount: 0, createdAt: fixedTime.toISOString() };
    expect(stored).toEqual(expected);
    expect(store.getNode(0)).toEqual(expected);
    expect(store.getNode(0)?.usage.cachedInputTokens).toBeUndefined();
    expect(Object.keys(store.getNode(0) ?? {}).sort()).toEqual(Object.keys(expected).sort());
  });

  it('round-trips a failed node with nulls', () => {
    const input = makeNode({
      score: null,
      evalScore: null,
      success: false,
      error: 'timeout: exceeded 60 s',
      island: null,
      usage: { inputTokens: undefined, cachedInputTokens: undefined, outputTokens: undefined },
      results: {},
      metadata: {},
      cognitionIds: [],
    });
    const stored = store.insertNode(input);
    expect(store.requireNode(stored.id)).toEqual({
      ...input,
      id: stored.id,
      visitCount: 0,
      createdAt: fixedTime.toISOString(),
    });
  });

  it('numbers ids from 0 and never reuses an evicted id', () => {
    expect(store.insertNode(makeNode({ step: 0 })).id).toBe(0);
    expect(store.insertNode(makeNode()).id).toBe(1);
    expect(store.insertNode(makeNode({ step: 2 })).id).toBe(2);
    expect(store.deleteNodes([2, 99])).toBe(1);
    expect(store.insertNode(makeNode({ step: 3 })).id).toBe(3);
    expect(store.listNodes().map((node) => node.id)).toEqual([0, 1, 3]);
    expect(store.countNodes()).toBe(3);
  });

  it('writes nothing when one part of insertNode fails', () => {
    store.insertNode(makeNode({ step: 0 }), { samplerState: { name: 'ucb1', state: { round: 0 } } });
    const unserialisable = { big: 10n } as unknown as Record<string, never>;
    expect(() =>
      store.insertNode(makeNode(), {
        calls: [makeCall(), makeCall({ request: unserialisable })],
        visitedIds: [0],
        samplerState: { name: 'ucb1', state: { round: 1 } },
        events: [{ type: 'node', message: 'stored' }],
      }),
    ).toThrow(/call\.request cannot be stored as JSON/);
    expect(store.countNodes()).toBe(1);
    expect(store.listLlmCalls()).toEqual([]);
    expect(store.getNode(0)?.visitCount).toBe(0);
    expect(store.loadSamplerState('ucb1')).toEqual({ round: 0 });
    expect(store.listEvents()).toEqual([]);
    // The failed transaction did not consume an id.
    expect(store.insertNode(makeNode()).id).toBe(1);
  });

  it('rolls back on a constraint error raised by SQLite', () => {
    const badCall = makeCall({ role: null as unknown as string });
    expect(() => store.insertNode(makeNode(), { calls: [badCall] })).toThrow(/NOT NULL/);
    expect(store.countNodes()).toBe(0);
    expect(store.spendSummary().calls).toBe(0);
  });

  it('writes calls, visits, sampler state and events with the node', () => {
    store.insertNode(makeNode({ step: 0 }));
    store.insertNode(makeNode({ step: 1 }));
    const node = store.insertNode(makeNode({ step: 2 }), {
      calls: [makeCall({ nodeId: null, step: null }), makeCall({ role: 'analyzer', step: 2 })],
      visitedIds: [0, 1, 0, 42],
      samplerState: { name: 'ucb1', state: { visits: [2, 1] } },
      events: [{ type: 'node-stored', message: 'step 2 stored', data: { score: 1.5 } }],
    });
    const calls = store.listLlmCalls({ nodeId: node.id });
    expect(calls.map((call) => [call.nodeId, call.step, call.role])).toEqual([
      [node.id, 2, 'researcher'],
      [node.id, 2, 'analyzer'],
    ]);
    expect(store.getNode(0)?.visitCount).toBe(2);
    expect(store.getNode(1)?.visitCount).toBe(1);
    expect(store.getNode(node.id)?.visitCount).toBe(0);
    expect(store.loadSamplerState('ucb1')).toEqual({ visits: [2, 1] });
    const [event] = store.listEvents();
    expect(event).toMatchObject({ type: 'node-stored', step: 2, data: { nodeId: node.id, score: 1.5 } });
  });

  it('picks the best successful node, lowest id on ties, ignoring failures', () => {
    expect(store.bestNode()).toBeUndefined();
    store.insertNode(makeNode({ score: 1, step: 0 }));
    store.insertNode(makeNode({ score: 5, success: false, error: 'invalid' }));
    store.insertNode(makeNode({ score: 2 }));
    store.insertNode(makeNode({ score: 2 }));
    store.insertNode(makeNode({ score: null, success: true }));
    store.insertNode(makeNode({ score: -Infinity }));
    expect(store.bestNode()?.id).toBe(2);
    store.deleteNodes([2]);
    expect(store.bestNode()?.id).toBe(3);
  });

  it('knows the seed and the completed steps', () => {
    expect(store.hasSeed()).toBe(false);
    expect(store.completedSteps()).toEqual(new Set());
    store.insertNode(makeNode({ step: 3 }));
    store.insertNode(makeNode({ step: 1 }));
    store.insertNode(makeNode({ step: 3 }));
    expect(store.hasSeed()).toBe(false);
    store.insertNode(makeNode({ step: 0 }));
    expect(store.hasSeed()).toBe(true);
    expect(store.completedSteps()).toEqual(new Set([1, 3]));
  });

  it('still counts the rounds of evicted nodes as completed, and records each eviction', () => {
    store.insertNode(makeNode({ id: 0, step: 0 }));
    store.insertNode(makeNode({ id: 1, step: 1, score: 0.25 }));
    store.insertNode(makeNode({ id: 2, step: 2 }));
    expect(store.deleteNodes([1, 0, 7])).toBe(2);
    expect(store.listNodes().map((node) => node.id)).toEqual([2]);
    expect(store.completedSteps()).toEqual(new Set([1, 2]));
    const evictions = store.listEvents().filter((event) => event.type === 'node-evicted');
    expect(evictions.map((event) => [event.step, event.data])).toEqual([
      [1, { nodeId: 1, score: 0.25, success: true }],
      [0, { nodeId: 0, score: 1.5, success: true }],
    ]);
  });

  it('updates analysis, metadata and score only', () => {
    const node = store.insertNode(makeNode());
    const updated = store.updateNode(node.id, { analysis: 'new analysis', metadata: { judge: 10 }, score: 9 });
    expect(updated).toEqual({ ...node, analysis: 'new analysis', metadata: { judge: 10 }, score: 9 });
    expect(store.updateNode(node.id, { score: null }).score).toBeNull();
    expect(store.updateNode(node.id, {})).toEqual(store.getNode(node.id));
    expect(() => store.updateNode(77, { score: 1 })).toThrow(/Node 77/);
  });

  it('throws NODE_NOT_FOUND naming the id', () => {
    expect(store.getNode(5)).toBeUndefined();
    let caught: unknown;
    try {
      store.requireNode(5);
    } catch (error) {
      caught = error;
    }
    expect(AsiEvolveError.isInstance(caught)).toBe(true);
    expect((caught as AsiEvolveError).code).toBe('NODE_NOT_FOUND');
    expect((caught as AsiEvolveError).message).toContain('Node 5');
  });

  it('follows first parents for the lineage, stopping at an evicted ancestor', () => {
    store.insertNode(makeNode({ step: 0 }));
    store.insertNode(makeNode({ parentIds: [0] }));
    store.insertNode(makeNode({ parentIds: [1, 0] }));
    store.insertNode(makeNode({ parentIds: [0, 2] }));
    store.insertNode(makeNode({ parentIds: [2] }));
    expect(store.lineage(4).map((node) => node.id)).toEqual([4, 2, 1, 0]);
    expect(store.lineage(3).map((node) => node.id)).toEqual([3, 0]);
    expect(store.lineage(0).map((node) => node.id)).toEqual([0]);
    store.deleteNodes([1]);
    expect(store.lineage(4).map((node) => node.id)).toEqual([4, 2]);
    expect(() => store.lineage(1)).toThrow(/Node 1/);
  });

  it('stops a lineage that loops', () => {
    store.insertNode(makeNode({ parentIds: [1] }));
    store.insertNode(makeNode({ parentIds: [0] }));
    expect(store.lineage(1).map((node) => node.id)).toEqual([1, 0]);
  });

  it('gives sampling policies lengths and numeric metrics', () => {
    store.insertNode(
      makeNode({ step: 0, program: 'abc', results: { eval_score: 2, valid: true, name: 'x', list: [1], big: 1e300 } }),
    );
    store.insertNode(makeNode({ program: '', score: null, success: false, island: null, results: {} }));
    store.insertNode(makeNode(), { visitedIds: [0] });
    const [first, second] = store.sampleableNodes();
    expect(first).toEqual({
      id: 0,
      step: 0,
      score: 1.5,
      success: true,
      visitCount: 1,
      island: 2,
      programLength: 3,
      metrics: { eval_score: 2, big: 1e300 },
    });
    expect(second).toMatchObject({ id: 1, score: null, success: false, island: null, programLength: 0, metrics: {} });
    expect(store.sampleableNodes()[2]?.programLength).toBe(makeNode().program.length);
  });
});
