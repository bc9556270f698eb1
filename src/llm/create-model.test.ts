import { afterEach, describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../config/schema.js';
import { AsiEvolveError } from '../errors.js';
import { createModelFromConfig } from './create-model.js';
import { startFakeAnthropicServer } from './test-support/fake-anthropic-server.js';
import { startFakeOpenAIServer, type FakeOpenAIServer } from './test-support/fake-openai-server.js';
import type { LlmCallRecordDraft } from './wrappers/recorder.js';

function apiConfig(api: Record<string, unknown>): Config['api'] {
  return configSchema.parse({ api }).api;
}

describe('createModelFromConfig', () => {
  let server: FakeOpenAIServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('gives no model for provider builtin, or auto without a model', () => {
    const builtin = createModelFromConfig(apiConfig({ provider: 'builtin', model: 'gpt-4o' }), {});
    expect(builtin.model).toBeNull();
    expect(builtin.forRole).toBeNull();
    expect(builtin.description).toContain('builtin');
    const auto = createModelFromConfig(apiConfig({}), {});
    expect(auto.model).toBeNull();
    expect(auto.description).toContain('api.model');
  });

  it('refuses openai-compatible without a model, and a remote URL without a key', () => {
    expect(() => createModelFromConfig(apiConfig({ provider: 'openai-compatible' }), {})).toThrow(/api\.model/);
    let caught: unknown;
    try {
      createModelFromConfig(apiConfig({ model: 'gpt-4o', api_key_env: 'TEST_LLM_KEY' }), {});
    } catch (error) {
      caught = error;
    }
    expect(AsiEvolveError.isInstance(caught) && caught.key).toBe('api.api_key_env');
    expect((caught as Error).message).toContain('TEST_LLM_KEY');
  });

  it('builds a retrying model from config that reaches a local server without a key', async () => {
    server = await startFakeOpenAIServer([{ status: 500 }, { text: 'configured' }, { status: 503 }, { text: 'recorded' }]);
    const api = apiConfig({ base_url: server.url, model: 'local-model', retry_times: 1, retry_delay: 0, temperature: 0.2, max_tokens: 99 });
    const built = createModelFromConfig(api, {});
    expect(built.description).toBe(`local-model at ${server.url}`);
    expect(built.model?.contextWindow).toBe(128_000);
    expect((await built.model?.generate({ messages: [{ role: 'user', content: 'hi' }] }))?.text).toBe('configured');
    expect(server.requests[1]?.body).toMatchObject({ model: 'local-model', temperature: 0.2, max_tokens: 99 });

    const records: LlmCallRecordDraft[] = [];
    const researcher = built.forRole?.({ role: 'researcher', onCall: (record) => records.push(record) });
    expect((await researcher?.generate({ messages: [{ role: 'user', content: 'hi' }] }))?.text).toBe('recorded');
    expect(records.map((record) => [record.role, record.attempt, record.error === null])).toEqual([
      ['researcher', 1, false],
      ['researcher', 2, true],
    ]);
  });

  it('builds the provider api.provider names: Anthropic with its own key variable and default endpoint', async () => {
    const anthropic = await startFakeAnthropicServer([{ text: 'from claude' }]);
    try {
      const built = createModelFromConfig(apiConfig({ provider: 'anthropic', model: 'claude-sonnet-4-5', base_url: anthropic.url }), { ANTHROPIC_API_KEY: 'sk-ant-1' });
      expect(built.description).toBe('claude-sonnet-4-5 (anthropic)');
      expect((await built.model?.generate({ messages: [{ role: 'user', content: 'hi' }] }))?.text).toBe('from claude');
      expect(anthropic.requests[0]?.headers.authorization).toBe('Bearer sk-ant-1');
    } finally {
      await anthropic.close();
    }
    // Without a key for Anthropic's own endpoint, the error names ANTHROPIC_API_KEY (not OpenAI's default).
    expect(() => createModelFromConfig(apiConfig({ provider: 'anthropic', model: 'claude-sonnet-4-5' }), {})).toThrow(/ANTHROPIC_API_KEY/);
  });
});
