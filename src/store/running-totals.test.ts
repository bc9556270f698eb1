import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NodeSummary } from '../domain/index.js';
import type { Store } from './store.js';
import { createTempStore, makeCall, makeNode, type TempStore } from './test-support/fixtures.js';
import { migrations } from './migrations/migrations.js';

let temp: TempStore;

beforeEach(() => {
  temp = createTempStore();
});
afterEach(() => temp.cleanup());

/** The totals recomputed from the rows themselves, the slow way. */
function recomputed(store: Store) {
  const nodes = store.listNodes();
  const rounds = nodes.filter((node) => node.step > 0);
  const successful = nodes.filter((node) => node.success && node.score !== null);
  successful.sort((left, right) => (right.score ?? 0) - (left.score ?? 0) || left.id - right.id);
  const calls = store.listLlmCalls();
  const byKey = (key: (call: (typeof calls)[number]) => string) => {
    const totals: Record<string, { usd: number; inputTokens: number; outputTokens: number; calls: number }> = {};
    for (const call of calls) {
      const entry = (totals[key(call)] ??= { usd: 0, inputTokens: 0, outputTokens: 0, calls: 0 });
      entry.usd += call.costUsd;
      entry.inputTokens += call.usage.inputTokens ?? 0;
      entry.outputTokens += call.usage.outputTokens ?? 0;
      entry.calls += 1;
    }
    return totals;
  };
  return {
    nodeTotals: {
      nodes: nodes.length,
      rounds: rounds.length,
      roundsSucceeded: rounds.filter((node) => node.success).length,
      roundsRuntimeMs: rounds.reduce((total, node) => total + node.runtimeMs, 0),
      bestId: successful[0]?.id ?? null,
    },
    spend: {
      totalUsd: calls.reduce((total, call) => total + call.costUsd, 0),
      inputTokens: calls.reduce((total, call) => total + (call.usage.inputTokens ?? 0), 0),
      outputTokens: calls.reduce((total, call) => total + (call.usage.outputTokens ?? 0), 0),
      calls: calls.length,
      byRole: byKey((call) => call.role),
      byModel: byKey((call) => call.modelId),
    },
  };
}

function expectTotalsAgreeWithRows(store: Store): void {
  const expected = recomputed(store);
  const { roundsRuntimeMs, ...counts } = store.nodeTotals();
  const { roundsRuntimeMs: expectedRuntime, ...expectedCounts } = expected.nodeTotals;
  expect(counts).toEqual(expectedCounts);
  expect(roundsRuntimeMs).toBeCloseTo(expectedRuntime, 6);
  const spend = store.spendSummary();
  expect({ ...spend, totalUsd: 0, byRole: Object.keys(spend.byRole), byModel: Object.keys(spend.byModel) }).toEqual({
    ...expected.spend,
    totalUsd: 0,
    byRole: Object.keys(expected.spend.byRole).sort(),
    byModel: Object.keys(expected.spend.byModel).sort(),
  });
  expect(spend.totalUsd).toBeCloseTo(expected.spend.totalUsd, 9);
  for (const [role, totals] of Object.entries(expected.spend.byRole))
    expect(spend.byRole[role]?.calls).toBe(totals.calls);
  for (const [model, totals] of Object.entries(expected.spend.byModel))
    expect(spend.byModel[model]?.usd).toBeCloseTo(totals.usd, 9);
}

describe('running totals', () => {
  it('start at zero and follow inserts, score updates and evictions', () => {
    const store = temp.open();
    expect(store.nodeTotals()).toEqual({ nodes: 0, rounds: 0, roundsSucceeded: 0, roundsRuntimeMs: 0, bestId: null });
    store.insertNode(makeNode({ id: 0, step: 0, score: 1, runtimeMs: 50 }), {
      calls: [makeCall({ role: 'manager', modelId: 'm' })],
    });
    store.insertNode(makeNode({ id: 1, step: 1, score: 3 }), {
      calls: [makeCall(), makeCall({ role: 'analyzer', costUsd: 0.25 })],
    });
    store.insertNode(makeNode({ id: 2, step: 2, score: 3 }), {
      calls: [makeCall({ usage: { inputTokens: undefined, cachedInputTokens: undefined, outputTokens: 9 } })],
    });
    store.insertNode(makeNode({ id: 3, step: 3, success: false, score: null, error: 'timeout: 10 s' }));
    store.insertLlmCall(makeCall({ nodeId: null, step: null, role: 'ingest', modelId: 'other' }));
    expectTotalsAgreeWithRows(store);
    // Equal scores: the lower id is the best.
    expect(store.nodeTotals().bestId).toBe(1);
    expect(store.bestNode()?.id).toBe(1);

    store.updateNode(2, { score: 4 });
    expect(store.nodeTotals().bestId).toBe(2);
    store.deleteNodes([2]);
    expect(store.nodeTotals().bestId).toBe(1);
    store.deleteNodes([3]);
    expectTotalsAgreeWithRows(store);
    expect(store.nodeTotals()).toMatchObject({ nodes: 2, rounds: 1, roundsSucceeded: 1 });
  });

  it('are not changed by a write that fails and is rolled back', () => {
    const store = temp.open();
    store.insertNode(makeNode({ id: 1, step: 1 }), { calls: [makeCall()] });
    const before = { nodes: store.nodeTotals(), spend: store.spendSummary() };
    // A node whose results cannot be stored as JSON fails after its calls were written.
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() =>
      store.insertNode(makeNode({ id: 2, step: 2, score: 9, metadata: cyclic as never }), {
        calls: [makeCall({ costUsd: 5 })],
      }),
    ).toThrow();
    expect(store.nodeTotals()).toEqual(before.nodes);
    expect(store.spendSummary()).toEqual(before.spend);
  });

  it('agree with rows written by another connection', () => {
    const store = temp.open();
    store.insertNode(makeNode({ id: 1, step: 1 }), { calls: [makeCall()] });
    const raw = new BetterSqlite3(temp.path);
    raw.prepare("UPDATE llm_calls SET role = 'judge', cost_usd = 2").run();
    raw.prepare('DELETE FROM nodes').run();
    raw.close();
    expectTotalsAgreeWithRows(store);
    expect(store.spendSummary().byRole).toEqual({ judge: { usd: 2, inputTokens: 100, outputTokens: 50, calls: 1 } });
  });
});

describe('node summaries', () => {
  it('carry every field but the long texts, with the program length and numeric results', () => {
    const store = temp.open();
    const node = store.insertNode(makeNode({ id: 0, step: 0 }));
    const { motivation: _m, program, results: _r, analysis: _a, metadata: _d, ...rest } = node;
    const expected: NodeSummary = { ...rest, programLength: program.length, metrics: { eval_score: 1.5, count: 26 } };
    expect(store.nodeSummaries()).toEqual([expected]);
    expect(store.getNodeSummary(0)).toEqual(expected);
    expect(store.seedSummary()).toEqual(expected);
    expect(store.sampleableNodes()).toEqual([
      {
        id: 0,
        step: 0,
        score: 1.5,
        success: true,
        visitCount: 0,
        island: 2,
        programLength: program.length,
        metrics: { eval_score: 1.5, count: 26 },
      },
    ]);
  });

  it('keep the per-instance scores of the results objects a node names, as dotted metrics', () => {
    const store = temp.open();
    const results = { eval_score: 1, instances: { a: 0.5, b: 1 }, other: { c: 2 } };
    store.insertNode({ ...makeNode({ id: 1, step: 1, results }), flattenMetrics: ['instances'] });
    expect(store.getNodeSummary(1)?.metrics).toEqual({ eval_score: 1, 'instances.a': 0.5, 'instances.b': 1 });
    expect(store.getNode(1)?.results).toEqual(results);
  });

  it('read stored metrics, dropping a hand-edited value that is not a number', () => {
    const store = temp.open();
    store.insertNode(makeNode({ id: 1, step: 1 }));
    store.insertNode(makeNode({ id: 2, step: 2, results: { note: 'no numbers' } }));
    const raw = new BetterSqlite3(temp.path);
    raw.prepare(`UPDATE nodes SET metrics = '{"a": "x", "b": 2}' WHERE id = 1`).run();
    raw.close();
    expect(store.sampleableNodes().map((node) => node.metrics)).toEqual([{ b: 2 }, {}]);
    expect(store.nodeSummaries().map((node) => node.metrics)).toEqual([{ b: 2 }, {}]);
  });

  it('list recent rounds oldest first and count failures by reason in order of first occurrence', () => {
    const store = temp.open();
    store.insertNode(makeNode({ id: 0, step: 0, success: false, score: null, error: 'seed: broken' }));
    for (let step = 1; step <= 7; step++) {
      const error = step % 3 === 0 ? 'timeout: 10 s' : step % 2 === 0 ? 'exit: code 1' : null;
      store.insertNode(
        makeNode({ id: step, step, success: error === null, score: error === null ? step : null, error }),
      );
    }
    store.insertNode(makeNode({ id: 8, step: 8, success: false, score: null, error: null }));
    expect(store.recentRounds(3).map((node) => node.id)).toEqual([6, 7, 8]);
    expect(store.recentRounds(100).map((node) => node.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...store.failureReasons()]).toEqual([
      ['exit', 2],
      ['timeout', 2],
      ['unknown', 1],
    ]);
  });
});

/** Failures by reason recomputed from the rows, in order of first occurrence. */
function failuresFromRows(store: Store): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const node of store.listNodes()) {
    if (node.success || node.step < 1) continue;
    const reason = (node.error ?? 'unknown').split(':')[0] ?? 'unknown';
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return [...counts];
}

describe('failure totals', () => {
  it('follow inserts, evictions of the first failure of a reason and raw edits', () => {
    const store = temp.open();
    const errors = ['timeout: 10 s', 'exit: 1', null, 'timeout: 3 s', 'exit: 2', 'bad-results', 'timeout: 1 s'];
    errors.forEach((error, index) =>
      store.insertNode(makeNode({ id: index + 1, step: index + 1, success: false, score: null, error })),
    );
    store.insertNode(makeNode({ id: 0, step: 0, success: false, score: null, error: 'seed: not a round' }));
    store.insertNode(makeNode({ id: 20, step: 20 }));
    expect([...store.failureReasons()]).toEqual(failuresFromRows(store));
    expect([...store.failureReasons()].map(([reason]) => reason)).toEqual([
      'timeout',
      'exit',
      'unknown',
      'bad-results',
    ]);
    // The first timeout goes: exit now came first.
    store.deleteNodes([1, 3]);
    expect([...store.failureReasons()]).toEqual(failuresFromRows(store));
    expect([...store.failureReasons()].map(([reason]) => reason)).toEqual(['exit', 'timeout', 'bad-results']);
    const raw = new BetterSqlite3(temp.path);
    raw.prepare("UPDATE nodes SET error = 'oom: killed' WHERE id = 2").run();
    raw.prepare('UPDATE nodes SET success = 1, error = NULL, score = 1 WHERE id = 6').run();
    raw.close();
    expect([...store.failureReasons()]).toEqual(failuresFromRows(store));
    expect([...store.failureReasons()]).toEqual([
      ['oom', 1],
      ['timeout', 2],
      ['exit', 1],
    ]);
  });
});

describe('small reads for pollers', () => {
  it('give the node ids, the latest node time and the newest event id without reading rows', () => {
    let clock = Date.parse('2026-01-01T00:00:00.000Z');
    const store = temp.open({ now: () => new Date((clock += 1000)) });
    expect([store.nodeIds(), store.latestNodeTime(), store.lastEventId()]).toEqual([[], null, 0]);
    store.insertNode(makeNode({ id: 4, step: 4 }));
    store.insertNode(makeNode({ id: 2, step: 2 }), { events: [{ type: 'round-end', message: 'step 2' }] });
    const event = store.addEvent('notice', 'hello');
    expect(store.nodeIds()).toEqual([2, 4]);
    expect(store.latestNodeTime()).toBe(store.requireNode(2).createdAt);
    expect(store.lastEventId()).toBe(event.id);
  });
});

describe('migrations 003 and 004 (running totals)', () => {
  it('backfills totals, summary columns and the id high-water mark from an older file', () => {
    temp.open({ migrations: migrations.slice(0, 2) }).close();
    const raw = new BetterSqlite3(temp.path);
    const insert =
      raw.prepare(`INSERT INTO nodes (id, step, name, motivation, program, results, analysis, score, eval_score, success, error,
      parent_ids, cognition_ids, provenance, visit_count, runtime_ms, island, operator, metadata, usage, cost_usd, created_at)
      VALUES (?, ?, 'n', 'm', ?, ?, 'a', ?, NULL, ?, ?, '[0]', '[]', 'novel', 2, 100, NULL, 'llm', '{}', '{}', 0, 't')`);
    insert.run(0, 0, 'seed', '{"score": 1, "label": "x"}', 1, 1, null);
    insert.run(1, 1, 'def f(): pass', '{"score": 2.5, "n": 3}', 2.5, 1, null);
    insert.run(2, 2, 'x', '{}', null, 0, 'exit: 1');
    insert.run(5, 5, 'y', '{}', 0.5, 1, null);
    raw.prepare('DELETE FROM nodes WHERE id = 5').run();
    const call =
      raw.prepare(`INSERT INTO llm_calls (node_id, step, role, provider, model_id, request, response_text, usage, cost_usd, duration_ms, error, attempt, created_at)
      VALUES (1, 1, ?, 'p', ?, '{}', '', ?, ?, 1, NULL, 1, 't')`);
    call.run('researcher', 'a', '{"inputTokens": 10, "outputTokens": 2}', 0.5);
    call.run('analyzer', 'a', '{"inputTokens": null, "outputTokens": 1}', 0.25);
    raw.close();

    const store = temp.open();
    expect(store.appliedMigrations().map((migration) => migration.id)).toEqual(
      migrations.map((migration) => migration.id),
    );
    expectTotalsAgreeWithRows(store);
    expect(store.nodeTotals()).toEqual({ nodes: 3, rounds: 2, roundsSucceeded: 1, roundsRuntimeMs: 200, bestId: 1 });
    expect(store.spendSummary()).toMatchObject({ totalUsd: 0.75, inputTokens: 10, outputTokens: 3, calls: 2 });
    expect([...store.failureReasons()]).toEqual([['exit', 1]]);
    expect(store.sampleableNodes().map((node) => [node.id, node.programLength, node.metrics, node.visitCount])).toEqual(
      [
        [0, 4, { score: 1 }, 2],
        [1, 13, { score: 2.5, n: 3 }, 2],
        [2, 1, {}, 2],
      ],
    );
    expect(store.requireNode(1).program).toBe('def f(): pass');
    // Node 5 was evicted before the upgrade: its id is still never reused.
    expect(store.insertNode(makeNode({ step: 6 })).id).toBe(6);
  });
});
