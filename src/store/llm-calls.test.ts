import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from './store.js';
import { createTempStore, makeCall, makeNode, type TempStore } from './test-support/fixtures.js';

let temp: TempStore;
let store: Store;

beforeEach(() => {
  temp = createTempStore();
  store = temp.open();
});
afterEach(() => temp.cleanup());

describe('llm calls', () => {
  it('round-trips a call made outside a round, unknown usage included', () => {
    const call = makeCall({
      nodeId: null,
      step: null,
      role: 'ingest',
      usage: { inputTokens: undefined, cachedInputTokens: undefined, outputTokens: 7 },
      error: 'HTTP 500: upstream',
      attempt: 3,
    });
    const id = store.insertLlmCall(call);
    expect(store.listLlmCalls()).toEqual([{ ...call, id }]);
  });

  it('filters by node', () => {
    const node = store.insertNode(makeNode(), { calls: [makeCall()] });
    store.insertLlmCall(makeCall({ role: 'manager' }));
    expect(store.listLlmCalls({ nodeId: node.id }).map((call) => call.role)).toEqual(['researcher']);
    expect(store.listLlmCalls()).toHaveLength(2);
    expect(store.listLlmCalls({ nodeId: 12 })).toEqual([]);
  });

  it('keeps the calls of an evicted node', () => {
    const node = store.insertNode(makeNode(), { calls: [makeCall({ costUsd: 0.5 })] });
    store.deleteNodes([node.id]);
    expect(store.listLlmCalls({ nodeId: node.id })).toHaveLength(1);
    expect(store.spendSummary().totalUsd).toBeCloseTo(0.5);
  });

  it('sums spend in all, by role and by model; unknown tokens add nothing', () => {
    expect(store.spendSummary()).toEqual({
      totalUsd: 0,
      inputTokens: 0,
      outputTokens: 0,
      calls: 0,
      byRole: {},
      byModel: {},
    });
    store.insertNode(makeNode(), {
      calls: [
        makeCall({
          role: 'researcher',
          modelId: 'a',
          costUsd: 0.25,
          usage: { inputTokens: 100, cachedInputTokens: 0, outputTokens: 10 },
        }),
        makeCall({
          role: 'analyzer',
          modelId: 'b',
          costUsd: 0.5,
          usage: { inputTokens: 40, cachedInputTokens: 0, outputTokens: 4 },
        }),
      ],
    });
    store.insertLlmCall(
      makeCall({
        role: 'researcher',
        modelId: 'b',
        costUsd: 1,
        usage: { inputTokens: undefined, cachedInputTokens: undefined, outputTokens: 6 },
      }),
    );
    const summary = store.spendSummary();
    expect(summary).toMatchObject({ inputTokens: 140, outputTokens: 20, calls: 3 });
    expect(summary.totalUsd).toBeCloseTo(1.75);
    expect(summary.byRole).toEqual({
      analyzer: { usd: 0.5, inputTokens: 40, outputTokens: 4, calls: 1 },
      researcher: { usd: 1.25, inputTokens: 100, outputTokens: 16, calls: 2 },
    });
    expect(summary.byModel).toEqual({
      a: { usd: 0.25, inputTokens: 100, outputTokens: 10, calls: 1 },
      b: { usd: 1.5, inputTokens: 40, outputTokens: 10, calls: 2 },
    });
  });
});
