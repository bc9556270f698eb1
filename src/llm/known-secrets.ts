import type { Config } from '../config/index.js';
import type { LanguageModel } from './model.js';

/** Environment variables whose values are credentials by their name. */
const secretVariablePattern = /(API_KEY|APIKEY|_TOKEN|_SECRET|PASSWORD)$/i;

/** Shorter values would redact ordinary words; no real key is this short. */
const MIN_SECRET_LENGTH = 8;

/**
 * The credentials a run knows: every `api_key` of the config, the variables its `api_key_env`s
 * name, and every environment variable named like a credential (`*_API_KEY`, `*_TOKEN`…).
 * They are redacted from whatever is stored, whoever echoed them.
 * @example
 * const secrets = knownSecrets(config, process.env); // ['sk-…', …]
 */
export function knownSecrets(config: Pick<Config, 'api' | 'models'>, env: NodeJS.ProcessEnv): string[] {
  const values = new Set<string>();
  const add = (value: string | undefined): void => {
    const trimmed = value?.trim();
    if (trimmed !== undefined && trimmed.length >= MIN_SECRET_LENGTH) values.add(trimmed);
  };
  add(config.api.api_key);
  add(env[config.api.api_key_env]);
  for (const entry of Object.values(config.models)) {
    add(entry.api_key);
    if (entry.api_key_env !== undefined) add(env[entry.api_key_env]);
  }
  for (const [name, value] of Object.entries(env)) if (secretVariablePattern.test(name)) add(value);
  // Longest first: a key that contains another is removed whole.
  return [...values].sort((left, right) => right.length - left.length);
}

/**
 * A function that replaces each of `secrets` in a text with `[redacted]`. Only these exact values:
 * a reply's program may hold text shaped like a credential (`api_key = "…"`) that must stay as written.
 */
export function secretRedactor(secrets: readonly string[]): (text: string) => string {
  if (secrets.length === 0) return (text) => text;
  return (text) =>
    secrets.reduce((clean, secret) => (clean.includes(secret) ? clean.split(secret).join('[redacted]') : clean), text);
}

/**
 * Wraps a model so that its replies and errors never carry a known secret: an endpoint that echoes
 * the API key (or a model that repeats one it saw) gets `[redacted]` in its place before anything
 * parses, evaluates, stores or shows the reply.
 * @example
 * const model = withReplyRedaction(base, secretRedactor(knownSecrets(config, process.env)));
 */
export function withReplyRedaction(model: LanguageModel, redact: (text: string) => string): LanguageModel {
  return {
    provider: model.provider,
    modelId: model.modelId,
    contextWindow: model.contextWindow,
    async generate(options) {
      let result: Awaited<ReturnType<LanguageModel['generate']>>;
      try {
        result = await model.generate(options);
      } catch (error) {
        // A provider's error may quote the key it was sent (`Incorrect API key provided: sk-…`).
        if (error instanceof Error) error.message = redact(error.message);
        throw error;
      }
      return { ...result, text: redact(result.text) };
    },
  };
}
