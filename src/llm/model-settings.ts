import { basename } from 'node:path';
import {
  OPENAI_DEFAULT_KEY_ENV,
  OPENAI_DEFAULT_URL,
  ROLE_NAMES,
  llmProviderSpec,
  type Config,
  type ProviderName,
  type RoleName,
} from '../config/index.js';
import type { ModelPrice, Pricing } from './pricing.js';

export { ROLE_NAMES, type ProviderName, type RoleName };

/** The name by which roles refer to the model of `api`. */
export const MAIN_MODEL = 'main';

/**
 * True when `api.base_url` is left at OpenAI's endpoint (its default) for a provider with an
 * endpoint of its own: it then stands for that provider's default.
 */
function standsForProviderDefault(provider: ProviderName, apiBaseURL: string): boolean {
  const ownDefault = llmProviderSpec(provider).defaultBaseURL;
  return apiBaseURL === OPENAI_DEFAULT_URL && ownDefault !== undefined && ownDefault !== OPENAI_DEFAULT_URL;
}

/** One model's settings, resolved from `api` or an entry of `models` with the fallbacks applied. */
export interface ModelSettings {
  /** `main` for `api`, else the key under `models`. */
  name: string;
  /** The config section, for messages: `api` or `models.<name>`. */
  key: string;
  /** A registered provider's name (from config: one of `PROVIDER_NAMES`). */
  provider: ProviderName | (string & {});
  modelId: string;
  /** Undefined: the provider's default endpoint. */
  baseURL: string | undefined;
  apiKey: string | undefined;
  apiKeyEnv: string;
  temperature: number;
  maxTokens: number;
  maxCompletionTokens: number | undefined;
  reasoningEffort: string | undefined;
  timeoutSeconds: number;
  idleTimeoutSeconds: number | undefined;
  retryTimes: number;
  retryDelaySeconds: number;
  contextWindow: number;
  stream: boolean;
  modelPath: string | undefined;
  transcript: string | undefined;
  replayMatch: 'prompt' | 'order';
  price: ModelPrice | undefined;
}

type PriceEntry = { input: number; cached_input?: number | undefined; output: number };

function toPrice(entry: PriceEntry | undefined): ModelPrice | undefined {
  if (!entry) return undefined;
  return {
    input: entry.input,
    output: entry.output,
    ...(entry.cached_input === undefined ? {} : { cachedInput: entry.cached_input }),
  };
}

/**
 * The main model (`api`), or null when the run has none (`provider: builtin`, or `auto`
 * without `api.model`). For a provider with defaults of its own (`anthropic`), the OpenAI
 * defaults of `base_url` and `api_key_env` stand for that provider's defaults.
 */
export function mainModelSettings(api: Config['api']): ModelSettings | null {
  const modelId = api.model?.trim();
  if (api.provider === 'builtin') return null;
  if (api.provider === 'auto' && !modelId) return null;
  const provider: ProviderName = api.provider === 'auto' ? 'openai-compatible' : api.provider;
  const ownKeyEnv = llmProviderSpec(provider).defaultApiKeyEnv;
  return {
    name: MAIN_MODEL,
    key: 'api',
    provider,
    modelId: modelId || (api.model_path ? basename(api.model_path) : provider),
    baseURL: standsForProviderDefault(provider, api.base_url) ? undefined : api.base_url,
    apiKey: api.api_key,
    apiKeyEnv: api.api_key_env === OPENAI_DEFAULT_KEY_ENV && ownKeyEnv !== undefined ? ownKeyEnv : api.api_key_env,
    temperature: api.temperature,
    maxTokens: api.max_tokens,
    maxCompletionTokens: api.max_completion_tokens,
    reasoningEffort: api.reasoning_effort,
    timeoutSeconds: api.timeout,
    idleTimeoutSeconds: api.idle_timeout,
    retryTimes: api.retry_times,
    retryDelaySeconds: api.retry_delay,
    contextWindow: api.context_window,
    stream: api.stream ?? false,
    modelPath: api.model_path,
    transcript: api.transcript,
    replayMatch: api.replay_match ?? 'prompt',
    price: toPrice(api.price),
  };
}

/**
 * A model of `models` by name (or `main`). Settings it leaves out come from `api`: sampling,
 * limits and retries always; the endpoint and key only when it uses `api`'s provider
 * (`auto` and `builtin` count as openai-compatible), else the provider's defaults.
 */
export function namedModelSettings(config: Pick<Config, 'api' | 'models'>, name: string): ModelSettings | null {
  if (name === MAIN_MODEL) return mainModelSettings(config.api);
  const entry = config.models[name];
  if (!entry) throw new Error(`unknown model '${name}' (the config schema checks role references)`);
  const api = config.api;
  const apiProvider = api.provider === 'auto' || api.provider === 'builtin' ? 'openai-compatible' : api.provider;
  const shared = entry.provider === apiProvider;
  const defaultKeyEnv = llmProviderSpec(entry.provider).defaultApiKeyEnv ?? OPENAI_DEFAULT_KEY_ENV;
  const modelId = entry.model?.trim() || (entry.model_path ? basename(entry.model_path) : entry.provider);
  return {
    name,
    key: `models.${name}`,
    provider: entry.provider,
    modelId,
    baseURL:
      entry.base_url ?? (shared && !standsForProviderDefault(entry.provider, api.base_url) ? api.base_url : undefined),
    apiKey: entry.api_key ?? (shared ? api.api_key : undefined),
    apiKeyEnv:
      entry.api_key_env ?? (shared && api.api_key_env !== OPENAI_DEFAULT_KEY_ENV ? api.api_key_env : defaultKeyEnv),
    temperature: entry.temperature ?? api.temperature,
    maxTokens: entry.max_tokens ?? api.max_tokens,
    maxCompletionTokens: entry.max_completion_tokens,
    reasoningEffort: entry.reasoning_effort,
    timeoutSeconds: entry.timeout ?? api.timeout,
    idleTimeoutSeconds: entry.idle_timeout ?? api.idle_timeout,
    retryTimes: entry.retry_times ?? api.retry_times,
    retryDelaySeconds: entry.retry_delay ?? api.retry_delay,
    contextWindow: entry.context_window ?? api.context_window,
    stream: entry.stream ?? false,
    modelPath: entry.model_path,
    transcript: entry.transcript,
    replayMatch: entry.replay_match ?? 'prompt',
    price: toPrice(entry.price),
  };
}

/** The models a role uses and their weights; null when it has none (the built-in operator). */
export interface RoleTarget {
  role: RoleName;
  members: { settings: ModelSettings; weight: number }[];
}

/** Resolves `roles.<role>` (falling back to the main model) into model settings. */
export function resolveRoleTarget(config: Pick<Config, 'api' | 'models' | 'roles'>, role: RoleName): RoleTarget | null {
  const target = config.roles[role];
  const named =
    target === undefined
      ? [{ model: MAIN_MODEL, weight: 1 }]
      : typeof target === 'string'
        ? [{ model: target, weight: 1 }]
        : target;
  const members: RoleTarget['members'] = [];
  for (const member of named) {
    const settings = namedModelSettings(config, member.model);
    if (settings) members.push({ settings, weight: member.weight });
  }
  return members.length === 0 ? null : { role, members };
}

/** The price overrides of a run: `pricing`, then each model's own `price` under its model id. */
export function pricingOf(config: Pick<Config, 'api' | 'models' | 'pricing'>): Pricing {
  const pricing: Pricing = {};
  for (const [modelId, entry] of Object.entries(config.pricing)) pricing[modelId] = toPrice(entry) as ModelPrice;
  const main = mainModelSettings(config.api);
  if (main?.price) pricing[main.modelId] = main.price;
  for (const name of Object.keys(config.models)) {
    const settings = namedModelSettings(config, name);
    if (settings?.price) pricing[settings.modelId] = settings.price;
  }
  return pricing;
}
