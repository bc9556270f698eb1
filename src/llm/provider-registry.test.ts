import { describe, expect, it } from 'vitest';
import { configSchema, PROVIDER_NAMES } from '../config/index.js';
import { thrownAsiError } from '../test-support/asi-error.js';
import { mainModelSettings, type ModelSettings } from './model-settings.js';
import { createProvider, providerDescriptor, providerNames, registerProvider } from './provider-registry.js';
import { createScriptedModel } from './test-support/scripted.js';

function settingsOf(api: Record<string, unknown>): ModelSettings {
  const settings = mainModelSettings(configSchema.parse({ api }).api);
  if (settings === null) throw new Error('expected a model');
  return settings;
}

describe('the LLM provider registry', () => {
  it('has a descriptor for every provider the config accepts, and the schema lists exactly those', () => {
    expect(providerNames().slice(0, PROVIDER_NAMES.length)).toEqual(PROVIDER_NAMES);
    for (const provider of PROVIDER_NAMES) {
      expect(
        configSchema.safeParse({ models: { x: { provider, model: 'm', model_path: 'm.gguf', transcript: 'run' } } })
          .success,
      ).toBe(true);
    }
    expect(configSchema.safeParse({ api: { provider: 'echo', model: 'm' } }).success).toBe(false);
    // What an entry must set comes from the provider's spec.
    const noPath = configSchema.safeParse({ models: { x: { provider: 'llama-cpp' } } });
    expect(noPath.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['models.x.model_path', 'provider llama-cpp needs model_path (the GGUF file)'],
    ]);
    expect(PROVIDER_NAMES.filter((name) => providerDescriptor(name).costs)).toEqual(['openai-compatible', 'anthropic']);
    expect(providerDescriptor('anthropic').describe(settingsOf({ provider: 'anthropic', model: 'claude' }))).toBe(
      'claude at api.anthropic.com',
    );
  });

  it('builds a registered toy provider from settings given in code, and refuses a taken or unknown name', async () => {
    registerProvider({
      name: 'echo',
      spec: { requires: { key: 'model', why: 'provider echo needs model' } },
      costs: false,
      perRole: false,
      describe: (settings) => `${settings.modelId} (echo)`,
      create: (settings) =>
        createScriptedModel([(options) => `echo: ${options.messages.at(-1)?.content ?? ''}`], {
          modelId: settings.modelId,
        }),
    });
    const settings = { ...settingsOf({ model: 'parrot' }), provider: 'echo' };
    const model = createProvider(settings, { env: {} });
    expect((await model.generate({ messages: [{ role: 'user', content: 'hello' }] })).text).toBe('echo: hello');
    expect(providerDescriptor('echo').describe(settings)).toBe('parrot (echo)');
    expect(providerNames()).toContain('echo');

    const taken = thrownAsiError(() => registerProvider({ ...providerDescriptor('echo') }));
    expect(taken.message).toContain("'echo' is already registered");
    const unknown = thrownAsiError(() => createProvider({ ...settings, provider: 'nowhere' }, { env: {} }));
    expect(unknown.code).toBe('CONFIG_INVALID');
    expect(unknown.message).toMatch(
      /unknown LLM provider 'nowhere' \(known: openai-compatible, anthropic, llama-cpp, replay, echo\)/,
    );
  });
});
