import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLlmAnalyzer, createLlmResearcher, loadTemplates } from '../agents/index.js';
import { loadConfig, resolveExperiment } from '../config/index.js';
import { buildRunParts, runLoop } from '../loop/index.js';
import { recordCall } from '../loop/call-context.js';
import { createRandom } from '../random.js';
import { openStore } from '../store/index.js';
import { priceOf } from './pricing.js';
import { createRoleModels } from './role-models.js';
import { agentReply } from './test-support/agent-responder.js';
import { startFakeOpenAIServer, type FakeOpenAIServer } from './test-support/fake-openai-server.js';
import { writeTinyExperiment } from './test-support/tiny-experiment.js';

describe('a budget reached mid-run', () => {
  let dir: string;
  let server: FakeOpenAIServer | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'asi-budget-run-'));
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops the run cleanly within one call of the limit, keeps the rounds in flight, and says why', async () => {
    server = await startFakeOpenAIServer(Array.from({ length: 200 }, () => agentReply));
    const limitUsd = 0.004;
    writeTinyExperiment(
      dir,
      `api:\n  model: gpt-4o-mini\n  base_url: ${server.url}\n  max_tokens: 600\npipeline:\n  researcher:\n    diff_based_evolution: false\n  parallel:\n    num_workers: 2\nbudget:\n  usd: ${limitUsd}\nrun:\n  steps: 60\nevaluator:\n  timeout: 20\n`,
    );
    const { config } = loadConfig({ experimentDir: dir, env: {} });
    const experiment = resolveExperiment(dir, config);
    const store = openStore(experiment.databasePath);
    const parts = await buildRunParts({ config, experiment, store, env: {} });
    // The wiring the preset is to adopt: role models with one budget, resumed from the stored spend.
    const spend = store.spendSummary();
    const models = createRoleModels(
      config,
      {},
      {
        random: createRandom(config.run.seed),
        onCall: (draft) => recordCall(draft, (orphan) => store.insertLlmCall({ ...orphan, nodeId: null, step: null })),
        initialSpend: { usd: spend.totalUsd, tokens: spend.inputTokens + spend.outputTokens },
        baseDir: experiment.dir,
      },
    );
    const templates = loadTemplates(experiment.dir);
    const researcher = models.forRole('researcher');
    const analyzer = models.forRole('analyzer');
    if (!researcher || !analyzer) throw new Error('expected models for both roles');
    parts.loop.round.designer = createLlmResearcher({
      model: researcher,
      templates,
      maxParseRetries: 1,
      diffRetries: 1,
    });
    parts.loop.round.analyst = createLlmAnalyzer({ model: analyzer, templates, maxRetries: 1, logBudgetChars: 24_000 });
    const events: string[] = [];
    try {
      const summary = await runLoop({
        parts: parts.loop,
        store,
        steps: config.run.steps,
        workers: 2,
        seed: config.run.seed,
        onEvent: (event) => {
          if (event.type === 'run-end') events.push(`${event.reason}: ${'message' in event ? event.message : ''}`);
        },
      });
      expect(summary.reason).toBe('budget');
      expect(summary.ranThisTime).toBeGreaterThan(1);
      expect(summary.ranThisTime).toBeLessThan(60);
      const stored = store.spendSummary().totalUsd;
      const spent = models.budget.spent.usd;
      expect(spent).toBeLessThanOrEqual(limitUsd);
      // The stored rounds hold at most what was spent (a round cut short by the limit is not stored).
      expect(stored).toBeLessThanOrEqual(spent + 1e-12);
      // The refused call's worst case: its prompt (at most a few thousand tokens here) plus 600 output tokens.
      const price = priceOf('gpt-4o-mini');
      const oneCall = ((price?.input ?? 0) * 3000 + (price?.output ?? 0) * 600) / 1e6;
      expect(spent + oneCall).toBeGreaterThan(limitUsd);
      expect(events[0]).toMatch(/^budget: Budget reached: \$0\.\d{4} spent.* of the \$0\.0040 limit \(budget\.usd\)/);
      expect(store.listEvents().some((event) => event.type === 'budget-reached')).toBe(true);
      // Every stored round is complete: nothing half-stored, every node analysed.
      const nodes = store.listNodes();
      expect(nodes.every((node) => node.analysis !== '')).toBe(true);
      console.log(
        `budget run: ${summary.ranThisTime} rounds, $${spent.toFixed(6)} spent ($${stored.toFixed(6)} stored) of $${limitUsd}; one call's worst case $${oneCall.toFixed(6)}`,
      );
    } finally {
      await parts.close();
      await models.close();
      store.close();
    }
  });
});
