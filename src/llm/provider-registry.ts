import { resolve } from 'node:path';
import { resolveApiKey } from './api-key.js';
import type { LanguageModel } from './model.js';
import { llmProviderSpecs, type LlmProviderSpec, type ProviderName } from '../config/index.js';
import { AsiEvolveError } from '../errors.js';
import type { ModelSettings } from './model-settings.js';
import { ANTHROPIC_BASE_URL, createAnthropic } from './providers/anthropic.js';
import { createLlamaCpp } from './providers/llama-cpp.js';
import { createOpenAICompatible } from './providers/openai-compatible.js';
import { createReplayModel } from './providers/replay.js';
import { readRecordedCalls, type RecordedCall } from './providers/replay-source.js';
import { displayURL } from './providers/sdk-errors.js';

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

const seconds = (value: number | undefined): number | undefined => (value === undefined ? undefined : value * 1000);

/** The API key of a remote provider, from `api_key` or `api_key_env`, named by the key path when missing. */
function apiKeyOf(settings: ModelSettings, context: ProviderContext, baseURL: string): string | undefined {
  return resolveApiKey(
    { api_key: settings.apiKey, api_key_env: settings.apiKeyEnv, base_url: baseURL },
    context.env,
    settings.key,
  );
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

/**
 * Everything the tool knows of one LLM provider: what config requires of it and its defaults
 * (`spec`, from config/llm-providers.ts), whether its calls cost money, how a model of it is
 * described to people, and its factory. Adding a provider is one descriptor here (and its spec).
 */
export interface ProviderDescriptor {
  name: string;
  spec: LlmProviderSpec;
  /** False for a provider whose calls cost nothing (a local model, a replay): no price is missing for it. */
  costs: boolean;
  /**
   * True when one instance serves one role only (a replay serves the calls recorded for that
   * role), instead of one per model; its retries need no wait either.
   */
  perRole: boolean;
  /** One line for people: which model, where. */
  describe(settings: ModelSettings): string;
  /** The bare provider (no retry, deadline or budget: see `createRoleModels`). */
  create(settings: ModelSettings, context: ProviderContext): LanguageModel;
}

const remoteWhere = (settings: ModelSettings, defaultHost: string): string =>
  `${settings.modelId} at ${settings.baseURL !== undefined ? displayURL(settings.baseURL) : defaultHost}${settings.stream ? ', streamed' : ''}`;

/** The built-in providers, one per name config accepts (the type checks that none is missing). */
const builtinProviders: { readonly [Name in ProviderName]: ProviderDescriptor & { name: Name } } = {
  'openai-compatible': {
    name: 'openai-compatible',
    spec: llmProviderSpecs['openai-compatible'],
    costs: true,
    perRole: false,
    describe: (settings) => remoteWhere(settings, 'api.openai.com'),
    create: (settings, context) => {
      const baseURL = settings.baseURL ?? llmProviderSpecs['openai-compatible'].defaultBaseURL;
      return createOpenAICompatible({
        ...remoteOptions(settings, context, baseURL),
        baseURL,
        defaultMaxTokens: settings.maxTokens,
        ...(settings.maxCompletionTokens === undefined ? {} : { maxCompletionTokens: settings.maxCompletionTokens }),
        ...(settings.reasoningEffort === undefined ? {} : { reasoningEffort: settings.reasoningEffort }),
      });
    },
  },
  anthropic: {
    name: 'anthropic',
    spec: llmProviderSpecs.anthropic,
    costs: true,
    perRole: false,
    describe: (settings) => remoteWhere(settings, 'api.anthropic.com'),
    create: (settings, context) =>
      createAnthropic({
        ...remoteOptions(settings, context, settings.baseURL ?? ANTHROPIC_BASE_URL),
        ...(settings.baseURL === undefined ? {} : { baseURL: settings.baseURL }),
        defaultMaxTokens: settings.maxCompletionTokens ?? settings.maxTokens,
      }),
  },
  'llama-cpp': {
    name: 'llama-cpp',
    spec: llmProviderSpecs['llama-cpp'],
    costs: false,
    perRole: false,
    describe: (settings) => `${settings.modelId} (local GGUF ${settings.modelPath})`,
    create: (settings, context) =>
      createLlamaCpp({
        modelPath: resolve(context.baseDir ?? process.cwd(), settings.modelPath ?? ''),
        modelId: settings.modelId,
        contextWindow: settings.contextWindow,
        defaultTemperature: settings.temperature,
        defaultMaxTokens: settings.maxTokens,
        key: `${settings.key}.model_path`,
        ...(context.importLlama ? { importModule: context.importLlama } : {}),
      }),
  },
  replay: {
    name: 'replay',
    spec: llmProviderSpecs.replay,
    costs: false,
    perRole: true,
    describe: (settings) => `replay of ${settings.transcript} (match by ${settings.replayMatch})`,
    create: (settings, context) => {
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
  },
};

const registry = new Map<string, ProviderDescriptor>(
  Object.values(builtinProviders).map((descriptor) => [descriptor.name, descriptor]),
);

/**
 * Adds a provider under its name, e.g. one a library user wrote; a taken name is refused. The
 * config file accepts the built-in names only: a registered provider is built from settings
 * given in code.
 * @example registerProvider({ name: 'echo', spec: { requires: { key: 'model', why: '…' } }, costs: false, perRole: false, describe, create });
 */
export function registerProvider(descriptor: ProviderDescriptor): void {
  if (registry.has(descriptor.name))
    throw new AsiEvolveError('USAGE', `an LLM provider named '${descriptor.name}' is already registered`);
  registry.set(descriptor.name, descriptor);
}

/** The descriptor of a provider by name. */
export function providerDescriptor(name: string): ProviderDescriptor {
  const descriptor = registry.get(name);
  if (descriptor === undefined) {
    throw new AsiEvolveError(
      'CONFIG_INVALID',
      `unknown LLM provider '${name}' (known: ${[...registry.keys()].join(', ')})`,
    );
  }
  return descriptor;
}

/** Every registered provider's name: the built-in ones first. */
export function providerNames(): string[] {
  return [...registry.keys()];
}

/**
 * Builds the bare provider a model's settings describe (no retry, deadline or budget: see
 * `createRoleModels`). Missing keys, files and packages are CONFIG_INVALID errors naming the
 * config key.
 *
 * @example const base = createProvider(namedModelSettings(config, 'claude')!, { env: process.env });
 */
export function createProvider(settings: ModelSettings, context: ProviderContext): LanguageModel {
  return providerDescriptor(settings.provider).create(settings, context);
}
