import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadTemplates } from '../agents/index.js';
import { isRunOutput, loadConfig, resolveExperiment } from '../config/index.js';
import { agentReply } from '../llm/test-support/agent-responder.js';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../llm/test-support/fake-openai-server.js';
import { openStore } from '../store/index.js';
import { estimateRun, formatEstimate, historyFromStore } from './dry-run.js';
import { buildRunParts } from './preset.js';
import { runLoop } from './run.js';

const demo = resolve(import.meta.dirname, '../../examples/circle-packing');

describe('estimateRun on the circle-packing demo', () => {
  let dir: string;
  let server: FakeOpenAIServer | undefined;
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'asi-dry-run-')), 'circle-packing');
    // Without what `npm run demo` left in examples/: a copy of a finished 30-round run has nothing to run.
    cpSync(demo, dir, { recursive: true, filter: (source) => !isRunOutput(basename(source)) });
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    rmSync(resolve(dir, '..'), { recursive: true, force: true });
  });

  const setup = (flags: Record<string, unknown>) => {
    const { config } = loadConfig({ experimentDir: dir, flags, env: {} });
    return { config, experiment: resolveExperiment(dir, config) };
  };

  async function run(flags: Record<string, unknown>): Promise<{ tokens: number; calls: number; usd: number }> {
    const { config, experiment } = setup(flags);
    const store = openStore(experiment.databasePath);
    const parts = await buildRunParts({ config, experiment, store, env: {} });
    try {
      await runLoop({ parts: parts.loop, store, steps: config.run.steps, workers: 1, seed: config.run.seed });
      const spend = store.spendSummary();
      return { tokens: spend.inputTokens + spend.outputTokens, calls: spend.calls, usd: spend.totalUsd };
    } finally {
      await parts.close();
      store.close();
    }
  }

  it('estimates the tokens of a scripted run within ±30 %, before and after history', async () => {
    server = await startFakeOpenAIServer(Array.from({ length: 200 }, () => agentReply));
    const flags = (steps: number) => ({ api: { model: 'gpt-4o-mini', base_url: server?.url }, run: { steps } });

    const fresh = setup(flags(6));
    const before = estimateRun({ config: fresh.config, experiment: fresh.experiment, templates: loadTemplates(dir) });
    expect(before.seedRound).toBe(true);
    expect(before.rounds).toBe(6);
    expect(before.roles.map((role) => [role.role, role.calls])).toEqual([
      ['researcher', 6],
      ['analyzer', 7],
    ]);
    const first = await run(flags(6));
    const firstRatio = before.totals.tokens / first.tokens;
    console.log(
      `dry run, no history: estimated ${before.totals.tokens} tokens ($${before.totals.costUsd.toFixed(5)}), the run used ${first.tokens} ($${first.usd.toFixed(5)}): ratio ${firstRatio.toFixed(2)}`,
    );
    expect(Math.abs(firstRatio - 1)).toBeLessThanOrEqual(0.3);
    expect(before.totals.calls).toBe(first.calls);

    // With history: the next 6 rounds, estimated from what the store holds.
    const again = setup(flags(12));
    const store = openStore(again.experiment.databasePath, { readonly: true });
    const history = historyFromStore(store);
    store.close();
    const after = estimateRun({
      config: again.config,
      experiment: again.experiment,
      templates: loadTemplates(dir),
      history,
    });
    expect([after.rounds, after.seedRound]).toEqual([6, false]);
    expect(after.time.expectedSeconds).not.toBeNull();
    const second = await run(flags(12));
    const used = second.tokens - first.tokens;
    const secondRatio = after.totals.tokens / used;
    console.log(
      `dry run, with history: estimated ${after.totals.tokens} tokens, the next rounds used ${used}: ratio ${secondRatio.toFixed(2)}`,
    );
    expect(Math.abs(secondRatio - 1)).toBeLessThanOrEqual(0.3);
  });

  it('prints calls, tokens, cost, time and the budget verdict', () => {
    const { config, experiment } = setup({
      api: { model: 'gpt-4o-mini' },
      run: { steps: 30 },
      budget: { usd: 0.001 },
      pipeline: { judge: { enabled: true } },
    });
    const estimate = estimateRun({ config, experiment, templates: loadTemplates(dir) });
    expect(estimate.roles.map((role) => role.role)).toEqual(['researcher', 'analyzer', 'judge']);
    expect(estimate.budget.withinBudget).toBe(false);
    const text = formatEstimate(estimate);
    expect(text).toContain('Dry run: 30 rounds plus the seed evaluation; no model is called.');
    expect(text).toMatch(/researcher +gpt-4o-mini: 30 calls, [\d,]+ in \+ [\d,]+ out tokens, \$0\.\d{4}/);
    expect(text).toMatch(/time +at most ~\d+ min with 1 worker/);
    expect(text).toContain('the run will stop at the limit before its last round');
    expect(text).toContain('Assumptions: tokens are estimated at 4 characters each');
  });

  it('warns when the worst-case prompt of a role exceeds its context window, saying what would be trimmed', () => {
    const { config, experiment } = setup({
      api: { model: 'gpt-4o-mini', context_window: 14_000, max_tokens: 2000 },
      pipeline: { researcher: { max_code_length: 20_000 } },
    });
    const estimate = estimateRun({ config, experiment, templates: loadTemplates(dir), steps: 1 });
    const researcher = estimate.contextChecks.find((check) => check.role === 'researcher');
    expect(researcher?.fits).toBe(false);
    expect(researcher?.wouldTrim[0]?.kind).toBe('context-code');
    expect(researcher?.warning).toContain('rounds that reach it will trim');
    expect(formatEstimate(estimate)).toContain('context     researcher: the worst-case prompt');
  });

  it('costs nothing without a model', () => {
    const { config, experiment } = setup({ run: { steps: 5 } });
    const estimate = estimateRun({ config, experiment, templates: loadTemplates(dir) });
    expect(estimate.roles).toEqual([]);
    expect(estimate.totals.costUsd).toBe(0);
    expect(formatEstimate(estimate)).toContain('No LLM configured: the built-in operator runs at no cost.');
  });
});
