import { resolve } from 'node:path';
import { resolveApiKey } from './api-key.js';
import type { LanguageModel } from './model.js';
import type { ModelSettings, ProviderName } from './model-settings.js';
import { ANTHROPIC_BASE_URL, createAnthropic } from './providers/anthropic.js';
import { createLlamaCpp } from './providers/llama-cpp.js';
import { createOpenAICompatible } from './providers/openai-compatible.js';
import { createReplayModel } from './providers/replay.js';
import { readRecordedCalls, type RecordedCall } from './providers/replay-source.js';

/** What building a provider may need beyond its settings. */
export interface ProviderContext {
  env: NodeJS.ProcessEnv;
  /** Relative `model_path` and `transcript` are read from here (the experiment folder). @default process.cwd() */
  baseDir?: string;
  fetch?: typeof fetch;
  /** The role a replay serves (its recorded calls are filtered by it); all calls when absent. */
  role?: string;
  /** How node-llama-cpp is imported (tests). */
  importLlama?: () => Promise<unknown>;
  /** Reads a transcript; pass a caching one when several roles replay the same run. */
  readTranscript?: (path: string, key: string) => RecordedCall[];
}

type ProviderFactory = (settings: ModelSettings, context: ProviderContext) => LanguageModel;

const seconds = (value: number | undefined): number | undefined => (value === undefined ? undefined : value * 1000);

/** The API key of a remote provider, from `api_key` or `api_key_env`, named by the key path when missing. */
function apiKeyOf(settings: ModelSettings, context: ProviderContext, baseURL: string): string | undefined {
  return resolveApiKey({ api_key: settings.apiKey, api_key_env: settings.apiKeyEnv, base_url: baseURL }, context.env, settings.key);
}

/** What a remote provider's options share, whatever the vendor. */
function remoteOptions(settings: ModelSettings, context: ProviderContext, baseURL: string) {
  return {
    apiKey: apiKeyOf(settings, context, baseURL),
    modelId: settings.modelId,
    contextWindow: settings.contextWindow,
    timeoutMs: settings.timeoutSeconds * 1000,
    defaultTemperature: settings.temperature,
    stream: settings.stream,
    ...(settings.idleTimeoutSeconds === undefined ? {} : { idleTimeoutMs: seconds(settings.idleTimeoutSeconds) }),
    ...(context.fetch ? { fetch: context.fetch } : {}),
  };
}

/** Providers by the name config uses; the config schema's list of providers matches its keys. */
export const providerFactories: Readonly<Record<ProviderName, ProviderFactory>> = {
  'openai-compatible': (settings, context) =>
    createOpenAICompatible({
      ...remoteOptions(settings, context, settings.baseURL ?? 'https://api.openai.com/v1'),
      baseURL: settings.baseURL ?? 'https://api.openai.com/v1',
      defaultMaxTokens: settings.maxTokens,
      ...(settings.maxCompletionTokens === undefined ? {} : { maxCompletionTokens: settings.maxCompletionTokens }),
      ...(settings.reasoningEffort === undefined ? {} : { reasoningEffort: settings.reasoningEffort }),
    }),
  anthropic: (settings, context) =>
    createAnthropic({
      ...remoteOptions(settings, context, settings.baseURL ?? ANTHROPIC_BASE_URL),
      ...(settings.baseURL === undefined ? {} : { baseURL: settings.baseURL }),
      defaultMaxTokens: settings.maxCompletionTokens ?? settings.maxTokens,
    }),
  'llama-cpp': (settings, context) =>
    createLlamaCpp({
      modelPath: resolve(context.baseDir ?? process.cwd(), settings.modelPath ?? ''),
      modelId: settings.modelId,
      contextWindow: settings.contextWindow,
      defaultTemperature: settings.temperature,
      defaultMaxTokens: settings.maxTokens,
      key: `${settings.key}.model_path`,
      ...(context.importLlama ? { importModule: context.importLlama } : {}),
    }),
  replay: (settings, context) => {
    const source = resolve(context.baseDir ?? process.cwd(), settings.transcript ?? '');
    const key = `${settings.key}.transcript`;
    const calls = (context.readTranscript ?? readRecordedCalls)(source, key);
    const role = context.role;
    return createReplayModel({
      calls: role === undefined ? calls : calls.filter((call) => call.role === role),
      role: role ?? 'any',
      source,
      match: settings.replayMatch,
      contextWindow: settings.contextWindow,
      ...(settings.modelId === 'replay' ? {} : { modelId: settings.modelId }),
    });
  },
};

/**
 * Builds the bare provider a model's settings describe (no retry, deadline or budget: see
 * `createRoleModels`). Missing keys, files and packages are CONFIG_INVALID errors naming the
 * config key.
 *
 * @example const base = createProvider(namedModelSettings(config, 'claude')!, { env: process.env });
 */
export function createProvider(settings: ModelSettings, context: ProviderContext): LanguageModel {
  return providerFactories[settings.provider](settings, context);
}
