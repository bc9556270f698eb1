import type { Config } from '../config/schema.js';
import { AsiEvolveError } from '../errors.js';
import { resolveApiKey } from './api-key.js';
import type { LanguageModel } from './model.js';
import { buildModelStack } from './model-stack.js';
import type { Pricing } from './pricing.js';
import { createOpenAICompatible } from './providers/openai-compatible.js';
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
 * gives no model (the loop then runs the built-in no-model operator). Otherwise an
 * OpenAI-compatible model with a deadline of `api.timeout` seconds and `api.retry_times`
 * retries from a base delay of `api.retry_delay` seconds.
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
  if (!modelId) {
    if (api.provider === 'auto') {
      return { model: null, description: 'built-in operator, no LLM (api.model is not set)', forRole: null };
    }
    throw new AsiEvolveError('CONFIG_INVALID', `api.provider is ${api.provider} but api.model is not set.`, {
      key: 'api.model',
      hint: 'Name the model (e.g. api.model: gpt-5-mini), or set api.provider: builtin to run without one.',
    });
  }
  const base = createOpenAICompatible({
    baseURL: api.base_url,
    apiKey: resolveApiKey(api, env),
    modelId,
    contextWindow: api.context_window,
    timeoutMs: api.timeout * 1000,
    defaultTemperature: api.temperature,
    defaultMaxTokens: api.max_tokens,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const stackOptions = {
    deadline: { timeoutMs: api.timeout * 1000 },
    retry: {
      maxRetries: api.retry_times,
      baseDelayMs: api.retry_delay * 1000,
      ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    },
  };
  return {
    model: buildModelStack(base, stackOptions),
    description: `${modelId} at ${api.base_url}`,
    forRole: (recording) => buildModelStack(base, { ...stackOptions, ...recording }),
  };
}
