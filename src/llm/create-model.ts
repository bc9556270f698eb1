import type { Config } from '../config/index.js';
import { AsiEvolveError } from '../errors.js';
import { createProvider } from './create-provider.js';
import type { LanguageModel } from './model.js';
import { mainModelSettings } from './model-settings.js';
import { buildModelStack } from './model-stack.js';
import type { Pricing } from './pricing.js';
import type { LlmCallRecordDraft } from './wrappers/recorder.js';
import type { RetryInfo } from './wrappers/retry.js';

export interface RoleRecording {
  role: string;
  onCall: (record: LlmCallRecordDraft) => void;
  pricing?: Pricing;
}

export interface ModelFromConfig {
  /** The configured model with deadline and retry; null means "use the built-in operator". */
  model: LanguageModel | null;
  /** One line for people: which model, or why none. */
  description: string;
  /**
   * The same stack with a recorder between retry and deadline, so that each attempt is
   * recorded under `role`. Null when `model` is null.
   */
  forRole: ((recording: RoleRecording) => LanguageModel) | null;
}

export interface CreateModelOptions {
  fetch?: typeof fetch;
  onRetry?: (info: RetryInfo) => void;
}

/**
 * Builds the model that `api` describes. `provider: builtin`, or `auto` without `api.model`,
 * gives no model (the loop then runs the built-in no-model operator). Otherwise the provider
 * `api.provider` names (`auto` = openai-compatible) with a deadline of `api.timeout` seconds
 * and `api.retry_times` retries from a base delay of `api.retry_delay` seconds.
 * For roles, ensembles and budgets see `createRoleModels`.
 *
 * @example
 * const { model, description } = createModelFromConfig(config.api, process.env);
 */
export function createModelFromConfig(
  api: Config['api'],
  env: NodeJS.ProcessEnv,
  options: CreateModelOptions = {},
): ModelFromConfig {
  const modelId = api.model?.trim();
  if (api.provider === 'builtin') {
    return { model: null, description: 'built-in operator, no LLM (api.provider is builtin)', forRole: null };
  }
  if (!modelId && (api.provider === 'openai-compatible' || api.provider === 'anthropic')) {
    throw new AsiEvolveError('CONFIG_INVALID', `api.provider is ${api.provider} but api.model is not set.`, {
      key: 'api.model',
      hint: 'Name the model (e.g. api.model: gpt-5-mini), or set api.provider: builtin to run without one.',
    });
  }
  const settings = mainModelSettings(api);
  if (settings === null) {
    return { model: null, description: 'built-in operator, no LLM (api.model is not set)', forRole: null };
  }
  const context = { env, ...(options.fetch ? { fetch: options.fetch } : {}) };
  const base = createProvider(settings, context);
  const stackOptions = {
    deadline: { timeoutMs: api.timeout * 1000 },
    retry: {
      maxRetries: api.retry_times,
      baseDelayMs: settings.provider === 'replay' ? 0 : api.retry_delay * 1000,
      ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    },
  };
  const pricing = settings.price ? { [settings.modelId]: settings.price } : undefined;
  // A replay serves each role its own recorded calls.
  const baseFor = (role: string): LanguageModel => (settings.provider === 'replay' ? createProvider(settings, { ...context, role }) : base);
  return {
    model: buildModelStack(base, stackOptions),
    description: settings.provider === 'openai-compatible' ? `${settings.modelId} at ${api.base_url}` : `${settings.modelId} (${settings.provider})`,
    forRole: (recording) =>
      buildModelStack(baseFor(recording.role), { ...stackOptions, ...(pricing ? { pricing } : {}), ...recording }),
  };
}
