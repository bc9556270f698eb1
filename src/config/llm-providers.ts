/**
 * What the config knows of each LLM provider: the key an entry must set, and the defaults a
 * remote one falls back to. The provider's other knowledge (how it is built, described and
 * priced) is its descriptor in `llm/provider-registry.ts`, whose keys the type system ties to
 * these; the schema's lists of providers are derived from here.
 */
export interface LlmProviderSpec {
  /** The key a model of this provider must set (`api` or an entry of `models`), and why. */
  requires: { key: 'model' | 'model_path' | 'transcript'; why: string };
  /** A remote provider's endpoint when `base_url` is not set. */
  defaultBaseURL?: string;
  /** A remote provider's key variable when `api_key_env` is not set. */
  defaultApiKeyEnv?: string;
}

/** OpenAI's endpoint and key variable: the defaults of `api` (and so of `provider: auto`). */
export const OPENAI_DEFAULT_URL = 'https://api.openai.com/v1';
export const OPENAI_DEFAULT_KEY_ENV = 'OPENAI_API_KEY';

export const llmProviderSpecs = {
  'openai-compatible': {
    requires: { key: 'model', why: 'provider openai-compatible needs model (the model id)' },
    defaultBaseURL: OPENAI_DEFAULT_URL,
    defaultApiKeyEnv: OPENAI_DEFAULT_KEY_ENV,
  },
  anthropic: {
    requires: { key: 'model', why: 'provider anthropic needs model (the model id)' },
    defaultBaseURL: 'https://api.anthropic.com',
    defaultApiKeyEnv: 'ANTHROPIC_API_KEY',
  },
  'llama-cpp': { requires: { key: 'model_path', why: 'provider llama-cpp needs model_path (the GGUF file)' } },
  replay: {
    requires: {
      key: 'transcript',
      why: 'provider replay needs transcript (a recorded experiment folder, its database or its steps folder)',
    },
  },
} as const satisfies Record<string, LlmProviderSpec>;

/** The providers a model of the config may use. */
export type ProviderName = keyof typeof llmProviderSpecs;

/** Every provider name, in the order the schema lists them. */
export const PROVIDER_NAMES = Object.keys(llmProviderSpecs) as [ProviderName, ...ProviderName[]];

/** The spec of a provider the schema accepted. */
export function llmProviderSpec(name: ProviderName): LlmProviderSpec {
  return llmProviderSpecs[name];
}
