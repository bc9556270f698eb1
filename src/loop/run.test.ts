import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBuiltinDesigner, createRuleBasedAnalyst, type Designer } from '../agents/index.js';
import { configSchema, type Config } from '../config/index.js';
import { AsiEvolveError } from '../errors.js';
import { LlmCallError, withRecorder } from '../llm/index.js';
import { createScriptedModel } from '../llm/test-support/scripted.js';
import { openStore, type Store } from '../store/index.js';
import { createNoticeRelay, type LoopEvent } from './events.js';
import { recordCall } from './call-context.js';
import { runLoop, type LoopParts } from './run.js';
import { testLoopParts, type TestLoopPartsOptions } from './test-support/loop-parts.js';

let dir: string;
let store: Store;

// The evaluator scores `const x = <number>` by closeness to 3 and counts its runs in a file outside the step folder.
const evaluator = `#!/usr/bin/env bash
echo run >> "$ASI_EXPERIMENT_DIR/evaluations.log"
node -e '
const fs = require("fs");
const text = fs.readFileSync("code", "utf8");
const match = /x = (-?[0-9.eE+-]+)/.exec(text);
const x = match ? Number(match[1]) : NaN;
fs.writeFileSync("results.json", JSON.stringify({ eval_score: -Math.abs(x - 3), success: Number.isFinite(x), x, cases: { low: -x, high: x } }));
'
`;

function makeExperiment(): void {
  writeFileSync(join(dir, 'input.md'), 'Make x close to 3.\n');
  writeFileSync(join(dir, 'initial_program'), 'const x = 1.0;\nconsole.log(x);\n');
  writeFileSync(join(dir, 'eval.sh'), evaluator);
}

/** A run's parts without a preset: the local executor, the built-in designer, no sandbox, stages or agents. */
const parts = (options: TestLoopPartsOptions = {}): LoopParts => testLoopParts(dir, options);

/** Runs the loop up to `steps` rounds with one worker and returns the notices it gave. */
async function noticesOfRun(config: Config, steps: number, seed: number): Promise<string[]> {
  const notices: string[] = [];
  await runLoop({
    parts: parts({ config }),
    store,
    steps,
    workers: 1,
    seed,
    onEvent: (event) => {
      if (event.type === 'notice') notices.push(event.message);
    },
  });
  return notices;
}

function evaluations(): number {
  const log = join(dir, 'evaluations.log');
  return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').length : 0;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'asi-loop-'));
  makeExperiment();
  store = openStore(join(dir, 'asi-evolve.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('runLoop', () => {
  it('evaluates the seed as node 0, then stores one node per round with id = step', async () => {
    const events: LoopEvent[] = [];
    const summary = await runLoop({
      parts: parts(),
      store,
      steps: 4,
      workers: 1,
      seed: 1,
      onEvent: (event) => events.push(event),
    });
    expect(summary).toMatchObject({ reason: 'done', completed: 4, ranThisTime: 4 });
    const nodes = store.listNodes();
    expect(nodes.map((node) => [node.id, node.step])).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
    ]);
    expect(nodes[0]).toMatchObject({ name: 'seed', operator: 'seed', score: -2, success: true });
    for (const node of nodes.slice(1)) expect(node.parentIds.length).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'best', 'code'), 'utf8')).toBe(store.bestNode()?.program);
    expect(existsSync(join(dir, 'steps', 'step_3', 'node.json'))).toBe(true);
    expect(events.filter((event) => event.type === 'round-end')).toHaveLength(4);
  });

  it('resumes: counts stored rounds, never re-evaluates the seed, redoes a round left half-done', async () => {
    await runLoop({ parts: parts(), store, steps: 2, workers: 1, seed: 1 });
    expect(evaluations()).toBe(3);
    // A crash mid-round leaves a step folder without a node: it must be cleaned and redone.
    mkdirSync(join(dir, 'steps', 'step_3'), { recursive: true });
    writeFileSync(join(dir, 'steps', 'step_3', 'stale.txt'), 'left by a crash');
    const summary = await runLoop({ parts: parts(), store, steps: 4, workers: 1, seed: 1 });
    expect(summary).toMatchObject({ completed: 4, ranThisTime: 2 });
    expect(evaluations()).toBe(5);
    expect(store.listNodes().map((node) => node.id)).toEqual([0, 1, 2, 3, 4]);
    expect(existsSync(join(dir, 'steps', 'step_3', 'stale.txt'))).toBe(false);
  });

  it('keeps at most database.max_size nodes, sparing the best and whole lineages, and resumes after evictions', async () => {
    const config = configSchema.parse({ pipeline: { engineer_timeout: 20 }, database: { max_size: 4 } });
    const first = await runLoop({ parts: parts({ config }), store, steps: 8, workers: 1, seed: 4 });
    expect(first).toMatchObject({ reason: 'done', completed: 8 });
    const check = (): void => {
      const nodes = store.listNodes();
      const ids = new Set(nodes.map((node) => node.id));
      // Beyond max_size only protected nodes stay: every first parent of a kept node is kept.
      for (const node of nodes)
        if (node.parentIds[0] !== undefined && node.parentIds[0] !== node.id)
          expect(ids.has(node.parentIds[0])).toBe(true);
      const protectedIds = new Set(nodes.map((node) => node.parentIds[0]));
      const best = store.bestNode();
      expect(best).toBeDefined();
      expect(nodes.filter((node) => !protectedIds.has(node.id) && node.id !== best?.id).length).toBeLessThanOrEqual(4);
      expect(store.listEvents().filter((event) => event.type === 'node-evicted').length).toBeGreaterThan(0);
    };
    check();
    const bestBefore = store.bestNode()?.score ?? Number.NEGATIVE_INFINITY;
    // The resumed run rebuilds the policy and the eviction order from the surviving nodes.
    const second = await runLoop({ parts: parts({ config }), store, steps: 14, workers: 1, seed: 4 });
    expect(second).toMatchObject({ reason: 'done', completed: 14, ranThisTime: 6 });
    check();
    expect(store.bestNode()?.score ?? Number.NEGATIVE_INFINITY).toBeGreaterThanOrEqual(bestBefore);
    expect([...store.completedSteps()].sort((left, right) => left - right)).toEqual(
      Array.from({ length: 14 }, (_, index) => index + 1),
    );
  });

  it('with objectives, never evicts a node of the front, though its score is low', async () => {
    const config = configSchema.parse({
      pipeline: { engineer_timeout: 20 },
      database: { max_size: 3, sampling: { algorithm: 'greedy' } },
      objectives: { metrics: [{ name: 'x', direction: 'minimize' }] },
    });
    // Round 1 makes the smallest x (the front), which scores badly; round 2 scores worst and is
    // dominated; later rounds approach 3, each the parent of the next (a lineage, never evicted).
    const xs = [1, 0.5, 6, 2, 2.5, 2.8, 2.9, 2.95];
    const designer: Designer = {
      name: 'scripted',
      design: async (context) => ({
        name: `x-${context.step}`,
        motivation: 'scripted',
        program: `const x = ${xs[context.step]};\nconsole.log(x);\n`,
        provenance: 'novel',
        operator: 'scripted',
        notes: {},
      }),
    };
    await runLoop({ parts: parts({ config, designer }), store, steps: 7, workers: 1, seed: 5 });
    const kept = store.listNodes();
    expect(store.listEvents().filter((event) => event.type === 'node-evicted').length).toBeGreaterThan(0);
    expect(kept.map((node) => node.id)).toContain(1);
    expect(kept.map((node) => node.id)).not.toContain(2);
    expect(kept.find((node) => node.id === 1)?.results.x).toBe(0.5);
  });

  it('with objectives, says once per run why a successful node is not ranked, and keeps the node', async () => {
    // The evaluator writes x and eval_score: `seconds` is missing, and `x` is a number, not a per-instance map.
    const config = configSchema.parse({
      pipeline: { engineer_timeout: 20 },
      objectives: {
        metrics: [
          { name: 'x', direction: 'minimize' },
          { name: 'seconds', direction: 'minimize' },
        ],
        instances: 'x',
      },
    });
    const notices = await noticesOfRun(config, 3, 2);
    expect(notices).toEqual([
      "step 0: objective 'seconds' is missing from results.json: such a node is stored but not ranked on the front",
      "step 0: objectives.instances names 'x', but results.json's 'x' is 1, not an object of instance → score: no per-instance scores are kept for such a node",
    ]);
    expect(
      store
        .listEvents()
        .filter((event) => event.type === 'notice')
        .map((event) => event.message),
    ).toEqual(notices);
    expect(store.listNodes().filter((node) => node.success)).toHaveLength(4);
  });

  it('resumed with other objectives, keeps every node, remakes the summaries for new per-instance scores and says so', async () => {
    const withObjectives = (objectives: Record<string, unknown>): Config =>
      configSchema.parse({ pipeline: { engineer_timeout: 20 }, objectives });
    await noticesOfRun(withObjectives({ metrics: [{ name: 'x', direction: 'minimize' }] }), 2, 3);
    expect(store.nodeSummaries().every((node) => node.metrics['cases.low'] === undefined)).toBe(true);
    const second = withObjectives({ metrics: [{ name: 'x', direction: 'maximize' }], instances: 'cases' });
    expect(await noticesOfRun(second, 3, 3)).toEqual([
      "The objectives changed since the last run (were: x (minimize); now: x (maximize), instances 'cases'): every stored node is kept and ranked again on the objectives now configured; 3 node summaries were remade from their results.",
    ]);
    const summaries = store.nodeSummaries();
    expect(summaries.map((node) => node.id)).toEqual([0, 1, 2, 3]);
    // Every node, old or new, carries its per-instance scores: the instance winners are honest.
    for (const node of summaries) {
      expect(node.metrics['cases.high']).toBe(node.metrics['x']);
      expect(node.metrics['cases.low']).toBe(-(node.metrics['x'] as number));
    }
    // The same objectives again: nothing to say, nothing remade.
    expect(await noticesOfRun(second, 4, 3)).toEqual([]);
  });

  it('counts only rounds up to the target: --steps 3 after 5 stored runs nothing', async () => {
    await runLoop({ parts: parts(), store, steps: 5, workers: 1, seed: 1 });
    const events: LoopEvent[] = [];
    const summary = await runLoop({
      parts: parts(),
      store,
      steps: 3,
      workers: 1,
      seed: 1,
      onEvent: (event) => events.push(event),
    });
    expect(summary).toMatchObject({ reason: 'done', completed: 3, target: 3, ranThisTime: 0 });
    expect(events[0]).toMatchObject({ type: 'run-start', completed: 3, beyondTarget: 2 });
    expect(store.listNodes()).toHaveLength(6);
  });

  it('shows and records the notices parts raise while the run goes on', async () => {
    const liveNotices = createNoticeRelay();
    const builtin = createBuiltinDesigner();
    const noisy: Designer = {
      name: 'noisy',
      design: async (context) => {
        liveNotices.notify(`step_${context.step} has waited 60 s for a worker`);
        return builtin.design(context);
      },
    };
    const events: LoopEvent[] = [];
    await runLoop({
      parts: parts({ designer: noisy, liveNotices }),
      store,
      steps: 2,
      workers: 1,
      seed: 1,
      onEvent: (event) => events.push(event),
    });
    expect(
      events.filter((event) => event.type === 'notice').map((event) => (event as { message: string }).message),
    ).toEqual(['step_1 has waited 60 s for a worker', 'step_2 has waited 60 s for a worker']);
    expect(
      store
        .listEvents()
        .filter((event) => event.type === 'notice')
        .map((event) => event.message),
    ).toEqual(['step_1 has waited 60 s for a worker', 'step_2 has waited 60 s for a worker']);
  });

  it('records a round whose design failed as a failed node and goes on', async () => {
    let calls = 0;
    const builtin = createBuiltinDesigner();
    const flaky: Designer = {
      name: 'flaky',
      design: async (context) => {
        calls++;
        if (calls === 2) throw new Error('answer had no <code> tag after 3 attempts');
        return builtin.design(context);
      },
    };
    const summary = await runLoop({ parts: parts({ designer: flaky }), store, steps: 3, workers: 1, seed: 2 });
    expect(summary.completed).toBe(3);
    const failed = store.requireNode(2);
    expect(failed).toMatchObject({ success: false, name: 'design-failed' });
    expect(failed.error).toContain('no <code> tag');
    expect(store.requireNode(3).success).toBe(true);
  });

  it('stops at once on a permanent provider refusal, keeping what was stored', async () => {
    let calls = 0;
    const builtin = createBuiltinDesigner();
    const refusing: Designer = {
      name: 'refusing',
      design: async (context) => {
        calls++;
        if (calls === 2)
          throw new LlmCallError('Incorrect API key provided', {
            reason: 'http',
            statusCode: 401,
            isRetryable: false,
            provider: 'openai',
            modelId: 'm',
          });
        return builtin.design(context);
      },
    };
    await expect(
      runLoop({ parts: parts({ designer: refusing }), store, steps: 5, workers: 1, seed: 3 }),
    ).rejects.toThrow(/API key/);
    expect(store.listNodes().map((node) => node.id)).toEqual([0, 1]);
  });

  it('ends cleanly when the budget is reached, with the reason', async () => {
    let calls = 0;
    const builtin = createBuiltinDesigner();
    const budgeted: Designer = {
      name: 'budgeted',
      design: async (context) => {
        calls++;
        if (calls === 3) throw new AsiEvolveError('BUDGET_REACHED', 'budget of $1.00 reached');
        return builtin.design(context);
      },
    };
    const events: LoopEvent[] = [];
    // What is on disk when the run says it ended: every stored round's files, written off the round's path.
    let filesAtEnd: boolean[] = [];
    const summary = await runLoop({
      parts: parts({ designer: budgeted }),
      store,
      steps: 6,
      workers: 1,
      seed: 4,
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'run-end')
          filesAtEnd = [0, 1, 2].map((step) => existsSync(join(dir, 'steps', `step_${step}`, 'analysis.md')));
      },
    });
    expect(summary.reason).toBe('budget');
    expect(store.listNodes().map((node) => node.id)).toEqual([0, 1, 2]);
    expect(events.at(-1)).toMatchObject({ type: 'run-end', reason: 'budget', message: 'budget of $1.00 reached' });
    expect(filesAtEnd).toEqual([true, true, true]);
  });

  it('runs several rounds at once without sharing a step folder', async () => {
    const summary = await runLoop({ parts: parts(), store, steps: 6, workers: 3, seed: 5 });
    expect(summary.completed).toBe(6);
    expect(store.listNodes().map((node) => node.id)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(evaluations()).toBe(7);
  });

  it('stops every worker when one round fails unexpectedly (a store write), instead of running the rest', async () => {
    const failing = new Proxy(store, {
      get(target, key, receiver) {
        if (key === 'insertNode') {
          return (node: Parameters<Store['insertNode']>[0], extras: Parameters<Store['insertNode']>[1]) => {
            if (node.step === 2) throw new Error('disk I/O error');
            return target.insertNode(node, extras);
          };
        }
        const value: unknown = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    await expect(runLoop({ parts: parts(), store: failing, steps: 12, workers: 2, seed: 3 })).rejects.toThrow(
      'disk I/O error',
    );
    expect(store.listNodes().length).toBeLessThan(6);
  });

  it("a run that crashes right after a commit writes that round's files before it rejects", async () => {
    // A bug right after the commit (here in the event handler) crashes the run while the round's files are queued.
    const run = runLoop({
      parts: parts(),
      store,
      steps: 4,
      workers: 1,
      seed: 3,
      onEvent: (event) => {
        if (event.type === 'round-end') throw new Error('the progress line failed');
      },
    });
    await expect(run).rejects.toThrow('the progress line failed');
    expect(store.listNodes().map((node) => node.id)).toEqual([0, 1]);
    for (const node of store.listNodes())
      expect(readFileSync(join(dir, 'steps', `step_${node.step}`, 'analysis.md'), 'utf8')).toBe(`${node.analysis}\n`);
  });

  it('has every step file on disk when it returns, and a resumed run rewrites, byte for byte, those a kill left unwritten', async () => {
    // The designer asks a model through the real recorder, so that the rounds have transcripts.
    const builtin = createBuiltinDesigner();
    const model = withRecorder(
      createScriptedModel(Array.from({ length: 10 }, (_, index) => `idea ${index} "quoted" ünïcödé`)),
      { role: 'researcher', onCall: (call) => recordCall(call) },
    );
    const asking: Designer = {
      name: 'asking',
      design: async (context) => {
        await model.generate({ system: 'design', messages: [{ role: 'user', content: `step ${context.step}` }] });
        return builtin.design(context);
      },
    };
    await runLoop({ parts: parts({ designer: asking }), store, steps: 4, workers: 2, seed: 6 });
    const stepDir = (step: number): string => join(dir, 'steps', `step_${step}`);
    const mirrorFiles = ['node.json', 'analysis.md', 'llm/01-researcher.json'];
    const snapshot = (): string[][] =>
      [1, 2, 3, 4].map((step) => mirrorFiles.map((name) => readFileSync(join(stepDir(step), name), 'utf8')));
    const written = snapshot();
    expect(JSON.parse(written[3]![0]!)).toMatchObject({ id: 4, step: 4, visitCount: 0 });
    expect(written[3]![1]).toBe(`${store.requireNode(4).analysis}\n`);
    expect(JSON.parse(written[3]![2]!)).toMatchObject({
      role: 'researcher',
      responseText: expect.stringMatching(/^idea /),
    });
    // SIGKILL between the commits of rounds 1 and 4 and their files (node 1 has been visited since).
    expect(store.requireNode(1).visitCount).toBeGreaterThan(0);
    for (const step of [1, 4]) {
      rmSync(join(stepDir(step), 'node.json'));
      rmSync(join(stepDir(step), 'analysis.md'));
      rmSync(join(stepDir(step), 'llm'), { recursive: true });
    }
    const again = await runLoop({ parts: parts({ designer: asking }), store, steps: 4, workers: 2, seed: 6 });
    expect(again.ranThisTime).toBe(0);
    expect(snapshot()).toEqual(written);
  });

  it('stops with DISK_FULL when a step file cannot be written, keeping the node; the next run writes the file', async () => {
    // Step 2's evaluation leaves analysis.md pointing at /dev/full: writing it fails with ENOSPC.
    const script = readFileSync(join(dir, 'eval.sh'), 'utf8').replace(
      '#!/usr/bin/env bash\n',
      '#!/usr/bin/env bash\nif [ "$(basename "$PWD")" = step_2 ]; then ln -s /dev/full analysis.md; fi\n',
    );
    writeFileSync(join(dir, 'eval.sh'), script);
    const failure = await runLoop({ parts: parts(), store, steps: 4, workers: 1, seed: 2 }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(AsiEvolveError.isInstance(failure) && failure.code).toBe('DISK_FULL');
    expect((failure as AsiEvolveError).file).toBe(join(dir, 'steps', 'step_2'));
    // The database is the truth: round 2 is stored, and the run stopped at the latest with round 3.
    expect(store.getNode(2)).toBeDefined();
    expect(store.getNode(4)).toBeUndefined();
    expect(existsSync(join(dir, 'steps', 'step_1', 'analysis.md'))).toBe(true);
    // Space again: the next run writes the missing file before it goes on.
    rmSync(join(dir, 'steps', 'step_2', 'analysis.md'));
    writeFileSync(join(dir, 'eval.sh'), evaluator);
    await runLoop({ parts: parts(), store, steps: 4, workers: 1, seed: 2 });
    expect(readFileSync(join(dir, 'steps', 'step_2', 'analysis.md'), 'utf8')).toBe(
      `${store.requireNode(2).analysis}\n`,
    );
  });

  it('on resume, rewrites a best/ snapshot that a crash left missing or behind the store', async () => {
    const first = await runLoop({ parts: parts(), store, steps: 3, workers: 1, seed: 2 });
    const bestDir = join(dir, 'best');
    const best = first.best!;
    rmSync(bestDir, { recursive: true, force: true });
    await runLoop({ parts: parts(), store, steps: 3, workers: 1, seed: 2 });
    expect(readFileSync(join(bestDir, 'code'), 'utf8')).toBe(best.program);
    expect(JSON.parse(readFileSync(join(bestDir, 'node.json'), 'utf8'))).toMatchObject({ id: best.id });
    writeFileSync(join(bestDir, 'node.json'), JSON.stringify({ id: 0 }));
    await runLoop({ parts: parts(), store, steps: 3, workers: 1, seed: 2 });
    expect(JSON.parse(readFileSync(join(bestDir, 'node.json'), 'utf8'))).toMatchObject({ id: best.id });
  });

  it('keeps the spend of a round that finished after Ctrl-C, though the round itself is redone', async () => {
    const interrupt = new AbortController();
    const builtin = createBuiltinDesigner();
    const paying: Designer = {
      name: 'paying',
      design: async (context) => {
        recordCall({
          role: 'researcher',
          provider: 'fake',
          modelId: 'm',
          request: {},
          responseText: 'answer',
          usage: { inputTokens: 100, cachedInputTokens: 0, outputTokens: 10 },
          costUsd: 0.25,
          durationMs: 1,
          error: null,
          attempt: 1,
          createdAt: new Date().toISOString(),
        });
        return builtin.design(context);
      },
    };
    const rule = createRuleBasedAnalyst();
    // Ctrl-C lands while the analysis runs: the round still returns a result.
    const analyst = {
      ...rule,
      analyse: async (context: Parameters<typeof rule.analyse>[0]) => {
        if (context.step === 1) interrupt.abort();
        return rule.analyse(context);
      },
    };
    const summary = await runLoop({
      parts: parts({ designer: paying, analyst }),
      store,
      steps: 3,
      workers: 1,
      seed: 4,
      abortSignal: interrupt.signal,
    });
    expect(summary.reason).toBe('interrupted');
    expect(store.listNodes().map((node) => node.id)).toEqual([0]);
    expect(store.listLlmCalls().map((call) => [call.step, call.nodeId, call.costUsd])).toEqual([[1, null, 0.25]]);
  });

  it('keeps the spend of an analysed seed that Ctrl-C cut short', async () => {
    const interrupt = new AbortController();
    const rule = createRuleBasedAnalyst();
    const analyst = {
      ...rule,
      analyse: async (context: Parameters<typeof rule.analyse>[0]) => {
        recordCall({
          role: 'analyzer',
          provider: 'fake',
          modelId: 'm',
          request: {},
          responseText: 'analysis',
          usage: { inputTokens: 50, cachedInputTokens: 0, outputTokens: 5 },
          costUsd: 0.5,
          durationMs: 1,
          error: null,
          attempt: 1,
          createdAt: new Date().toISOString(),
        });
        interrupt.abort();
        return rule.analyse(context);
      },
    };
    const summary = await runLoop({
      parts: parts({ analyst }),
      store,
      steps: 2,
      workers: 1,
      seed: 4,
      abortSignal: interrupt.signal,
    });
    expect(summary.reason).toBe('interrupted');
    expect(store.listNodes()).toEqual([]);
    expect(store.listLlmCalls().map((call) => [call.step, call.nodeId, call.costUsd])).toEqual([[0, null, 0.5]]);
  });

  it('grows cognition one round at a time, so concurrent rounds cannot both store the same finding', async () => {
    const rule = createRuleBasedAnalyst();
    const analyst = {
      ...rule,
      analyseWithProposals: async (context: Parameters<typeof rule.analyse>[0]) => ({
        analysis: await rule.analyse(context),
        proposedItems: [{ title: 'same finding', content: 'x near 3 scores best' }],
      }),
    };
    const stored = new Set<string>();
    let storedTwice = 0;
    const recordFound = async (_nodeId: number, _step: number, proposals: readonly { title: string }[]) => {
      // Check, then a slow embedding, then store: the shape of the real growth step.
      const fresh = proposals.filter((proposal) => !stored.has(proposal.title));
      await new Promise((resolve) => setTimeout(resolve, 20));
      for (const proposal of fresh) {
        if (stored.has(proposal.title)) storedTwice++;
        stored.add(proposal.title);
      }
      return { stored: fresh, skipped: [] };
    };
    await runLoop({ parts: parts({ analyst, recordFound }), store, steps: 6, workers: 3, seed: 6 });
    expect(stored.size).toBe(1);
    expect(storedTwice).toBe(0);
  });
});
