import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../config/errors.js';
import { resolveConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { AsiEvolveError } from '../errors.js';
import { createRandom } from '../random.js';
import { BudgetReachedError, LlmCallError, LlmRetriesExhaustedError } from './errors.js';
import { createRoleModels, longestCallMs } from './role-models.js';
import { startFakeAnthropicServer, type FakeAnthropicServer } from './test-support/fake-anthropic-server.js';
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeReply } from './test-support/fake-openai-server.js';
import type { LlmCallRecordDraft } from './wrappers/recorder.js';
import type { RetryInfo } from './wrappers/retry.js';

const ask = { messages: [{ role: 'user' as const, content: 'Design the next program.' }] };

function configOf(values: Record<string, unknown>): Config {
  return resolveConfig([{ name: 'config.yaml', values }], {});
}

function issuesOf(values: Record<string, unknown>): string[] {
  try {
    configOf(values);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => `${issue.key}: ${issue.message}`);
    throw error;
  }
  return [];
}

describe('config: models, roles, budget, pricing', () => {
  it('keeps the reference api.* keys and adds empty sections by default', () => {
    const config = configOf({ api: { model: 'gpt-4o', temperature: 0.2 } });
    expect(config.api.model).toBe('gpt-4o');
    expect([config.models, config.roles, config.budget, config.pricing]).toEqual([{}, {}, {}, {}]);
  });

  it('names the key of a role that points at an unknown model, and of a model missing what its provider needs', () => {
    expect(
      issuesOf({
        models: { claude: { provider: 'anthropic' }, local: { provider: 'llama-cpp' }, main: { model: 'x' } },
        roles: { researcher: 'gpt-6', judge: [{ model: 'claude' }, { model: 'nope', weight: 2 }] },
        api: { provider: 'replay' },
      }),
    ).toEqual([
      'api.transcript: provider replay needs transcript (a recorded experiment folder, its database or its steps folder)',
      'models.claude.model: provider anthropic needs model (the model id)',
      'models.local.model_path: provider llama-cpp needs model_path (the GGUF file)',
      'models.main: `main` is reserved for the model of `api`; choose another name',
      "roles.researcher: unknown model 'gpt-6' (known: main, claude, local); define it under models",
      "roles.judge.1.model: unknown model 'nope' (known: main, claude, local); define it under models",
    ]);
  });

  it('rejects a misspelt key, a bad weight and a negative budget', () => {
    const issues = issuesOf({
      models: { m: { model: 'x', temprature: 1 } },
      roles: { researcher: [{ model: 'm', weight: 0 }] },
      budget: { usd: -1 },
    });
    expect(issues.some((issue) => issue.startsWith('models.m.temprature: unknown key'))).toBe(true);
    expect(issues.some((issue) => issue.startsWith('roles.researcher'))).toBe(true);
    expect(issues.some((issue) => issue.startsWith('budget.usd'))).toBe(true);
  });
});

describe('createRoleModels', () => {
  const servers: { close(): Promise<void> }[] = [];
  let records: LlmCallRecordDraft[];
  let dir: string;
  beforeEach(() => {
    records = [];
    dir = mkdtempSync(join(tmpdir(), 'asi-roles-'));
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function openai(script: FakeReply[]): Promise<FakeOpenAIServer> {
    const server = await startFakeOpenAIServer(script);
    servers.push(server);
    return server;
  }

  const build = (
    config: Config,
    env: NodeJS.ProcessEnv = {},
    extra: Partial<Parameters<typeof createRoleModels>[2]> = {},
  ) =>
    createRoleModels(config, env, {
      random: createRandom(1),
      onCall: (record) => records.push(record),
      baseDir: dir,
      ...extra,
    });

  it('falls back to the main model for every role, and gives none without one', async () => {
    const server = await openai([{ text: 'from main' }, { text: 'from analyst' }]);
    const models = build(
      configOf({
        api: { model: 'main-model', base_url: server.url },
        models: { analyst: { model: 'analyst-model' } },
        roles: { analyzer: 'analyst' },
      }),
    );
    expect(models.forRole('debug')?.modelId).toBe('main-model');
    expect(models.forRole('analyzer')?.modelId).toBe('analyst-model');
    expect((await models.forRole('researcher')?.generate(ask))?.text).toBe('from main');
    // The analyst shares api's endpoint (same provider) but not its model.
    await models.forRole('analyzer')?.generate(ask);
    expect(server.requests.map((request) => (request.body as { model: string }).model)).toEqual([
      'main-model',
      'analyst-model',
    ]);
    expect(records.map((record) => [record.role, record.modelId])).toEqual([
      ['researcher', 'main-model'],
      ['analyzer', 'analyst-model'],
    ]);
    expect(models.description).toMatch(/analyst-model at \S+ \(analyzer\)/);
    // A role left out of `roles` (here the novelty gate's judge) gets the main model.
    expect(models.forRole('novelty_judge')?.modelId).toBe('main-model');

    const none = build(
      configOf({
        api: { provider: 'builtin' },
        models: { judge: { model: 'j', base_url: server.url } },
        roles: { judge: 'judge' },
      }),
    );
    expect(none.forRole('researcher')).toBeNull();
    expect(none.forRole('judge')?.modelId).toBe('j');
  });

  it('spreads an ensemble over an OpenAI-compatible and an Anthropic server, through the real SDKs', async () => {
    const gpt = await openai(Array.from({ length: 40 }, () => ({ text: 'gpt' })));
    const claude: FakeAnthropicServer = await startFakeAnthropicServer(
      Array.from({ length: 40 }, () => ({ text: 'claude' })),
    );
    servers.push(claude);
    const models = build(
      configOf({
        models: {
          gpt: { model: 'gpt-4o-mini', base_url: gpt.url },
          claude: { provider: 'anthropic', model: 'claude-sonnet-4-5', base_url: claude.url },
        },
        roles: {
          researcher: [
            { model: 'gpt', weight: 3 },
            { model: 'claude', weight: 1 },
          ],
        },
      }),
      { OPENAI_API_KEY: 'sk-o', ANTHROPIC_API_KEY: 'sk-a' },
    );
    const researcher = models.forRole('researcher');
    const texts: string[] = [];
    for (let call = 0; call < 40; call++) texts.push((await researcher?.generate(ask))?.text ?? '');
    const claudeCalls = texts.filter((text) => text === 'claude').length;
    expect(claudeCalls).toBeGreaterThan(2);
    expect(claudeCalls).toBeLessThan(20);
    expect(gpt.requests).toHaveLength(40 - claudeCalls);
    expect(claude.requests).toHaveLength(claudeCalls);
    expect(claude.requests[0]?.headers.authorization ?? claude.requests[0]?.headers['x-api-key']).toContain('sk-a');
    expect(new Set(records.map((record) => record.modelId))).toEqual(new Set(['gpt-4o-mini', 'claude-sonnet-4-5']));
    expect(models.description).toMatch(/^ensemble of gpt-4o-mini .* \(researcher\)/);
  });

  it('never waits forever on a hung server: each attempt ends at the deadline, retries are bounded', async () => {
    const server = await openai([{ hang: true }, { hang: true }, { text: 'too late' }]);
    const config = configOf({
      api: { model: 'm', base_url: server.url, timeout: 0.3, retry_times: 1, retry_delay: 0.01 },
    });
    const started = performance.now();
    const error = await build(config)
      .forRole('researcher')
      ?.generate(ask)
      .catch((caught: unknown) => caught);
    const elapsed = performance.now() - started;
    expect(LlmRetriesExhaustedError.isInstance(error)).toBe(true);
    expect(server.requests).toHaveLength(2);
    expect(records.map((record) => record.error?.includes('no answer within 300 ms'))).toEqual([true, true]);
    console.log(
      `hung server: gave up after ${Math.round(elapsed)} ms; bound ${longestCallMs({ timeoutSeconds: 0.3, retryTimes: 1 })} ms`,
    );
  });

  it('abandons a stream that stops halfway and retries it', async () => {
    const server = await openai([
      { text: 'half of an answer that stalls', stallAfter: 3 },
      { text: 'the whole answer' },
    ]);
    const config = configOf({
      api: { model: 'm', base_url: server.url, stream: true, idle_timeout: 0.2, retry_times: 2, retry_delay: 0.01 },
    });
    const result = await build(config).forRole('researcher')?.generate(ask);
    expect(result?.text).toBe('the whole answer');
    expect(records.map((record) => [record.attempt, record.error === null])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(records[0]?.error).toContain('stopped sending after 3 chunks');
  });

  it('honours Retry-After on 429, retries 5xx and malformed JSON, with jitter on its own backoff', async () => {
    const server = await openai([
      { status: 429, retryAfterMs: 40 },
      { status: 503 },
      { malformed: true },
      { text: 'finally' },
    ]);
    const retries: (RetryInfo & { role: string })[] = [];
    const config = configOf({ api: { model: 'm', base_url: server.url, retry_times: 3, retry_delay: 0.02 } });
    const result = await build(config, {}, { onRetry: (info) => retries.push(info) })
      .forRole('judge')
      ?.generate(ask);
    expect(result?.text).toBe('finally');
    expect(retries.map((info) => [info.role, info.attempt, info.error.statusCode])).toEqual([
      ['judge', 1, 429],
      ['judge', 2, 503],
      ['judge', 3, undefined],
    ]);
    expect(retries[0]?.delayMs).toBe(40);
    // Exponential from 20 ms with jitter: attempt 2 waits 20–40 ms, attempt 3 waits 40–80 ms.
    expect(retries[1]?.delayMs).toBeGreaterThanOrEqual(20);
    expect(retries[1]?.delayMs).toBeLessThanOrEqual(40);
    expect(retries[2]?.delayMs).toBeGreaterThanOrEqual(40);
    expect(retries[2]?.delayMs).toBeLessThanOrEqual(80);
  });

  it("stops at once on a permanent refusal (401, unknown model) with the provider's message", async () => {
    const server = await openai([
      { status: 404, message: 'The model `gpt-6` does not exist or you do not have access to it.' },
      { text: 'never' },
    ]);
    const error = await build(configOf({ api: { model: 'gpt-6', base_url: server.url, retry_times: 5 } }))
      .forRole('researcher')
      ?.generate(ask)
      .catch((caught: unknown) => caught);
    expect(LlmCallError.isInstance(error)).toBe(true);
    expect((error as LlmCallError).isRetryable).toBe(false);
    expect((error as LlmCallError).message).toContain('The model `gpt-6` does not exist');
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a call before sending it once the token budget could be crossed, counting earlier spend', async () => {
    const server = await openai(
      Array.from({ length: 20 }, () => ({ text: 'ok', usage: { prompt_tokens: 300, completion_tokens: 200 } })),
    );
    const config = configOf({ api: { model: 'm', base_url: server.url, max_tokens: 500 }, budget: { tokens: 3000 } });
    const models = build(config, {}, { initialSpend: { usd: 0, tokens: 1000 } });
    const researcher = models.forRole('researcher');
    let refused: unknown;
    for (let call = 0; call < 20 && refused === undefined; call++) {
      await researcher?.generate(ask).catch((error: unknown) => (refused = error));
    }
    expect(BudgetReachedError.isInstance(refused)).toBe(true);
    // 1000 earlier + 500 per call; a call's worst case is ~11 prompt tokens + 500: the 4th would cross 3000.
    expect(server.requests).toHaveLength(3);
    expect(models.budget.spent.tokens).toBe(2500);
    expect((refused as BudgetReachedError).message).toContain('3,000 tokens limit (budget.tokens)');
    // The notice shows the spend at the start.
    expect(models.notices).toContain('Budget: $0.00 (no limit), 1,000 tokens of 3,000 tokens.');
  });

  it('warns about a model without a price under a money budget; a price in config fixes it', () => {
    const config = configOf({ api: { model: 'my-finetune', base_url: 'http://127.0.0.1:9/v1' }, budget: { usd: 1 } });
    expect(build(config).notices[0]).toContain('my-finetune (api) has no known price');
    const priced = configOf({
      api: { model: 'my-finetune', base_url: 'http://127.0.0.1:9/v1', price: { input: 1, output: 2 } },
      budget: { usd: 1 },
    });
    expect(build(priced).notices.some((notice) => notice.includes('no known price'))).toBe(false);
  });

  it('names the config key when a model has no API key', () => {
    const config = configOf({
      models: { claude: { provider: 'anthropic', model: 'claude-sonnet-4-5' } },
      roles: { analyzer: 'claude' },
      api: { provider: 'builtin' },
    });
    let caught: unknown;
    try {
      build(config, {});
    } catch (error) {
      caught = error;
    }
    expect(AsiEvolveError.isInstance(caught) && caught.key).toBe('models.claude.api_key_env');
    expect((caught as Error).message).toContain('ANTHROPIC_API_KEY');
  });

  it('checks a local GGUF model at creation and the node-llama-cpp package in prepare()', async () => {
    const missingFile = configOf({
      models: { local: { provider: 'llama-cpp', model_path: 'models/absent.gguf' } },
      roles: { researcher: 'local' },
    });
    expect(() => build(missingFile)).toThrow(/absent\.gguf does not exist \(models\.local\.model_path\)/);
    writeFileSync(join(dir, 'tiny.gguf'), Buffer.from('GGUF\u0003\u0000\u0000\u0000'));
    const models = build(
      configOf({
        models: { local: { provider: 'llama-cpp', model_path: 'tiny.gguf' } },
        roles: { researcher: 'local' },
      }),
    );
    expect(models.forRole('researcher')?.modelId).toBe('tiny.gguf');
    await expect(models.prepare()).rejects.toThrow(/npm i node-llama-cpp@3\.21\.1/);
    await models.close();
  });
});
