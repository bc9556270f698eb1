import type { Config } from '../config/index.js';
import { AsiEvolveError } from '../errors.js';
import { displayURL } from './providers/sdk-errors.js';

const loopbackHosts = new Set(['localhost', '127.0.0.1', '::1', '[::1]', '0.0.0.0']);

/** True when the base URL points at this machine (Ollama, vLLM, llama.cpp server…), where no key is needed. */
export function isLocalBaseURL(baseURL: string): boolean {
  let hostname: string;
  try {
    hostname = new URL(baseURL).hostname.toLowerCase();
  } catch {
    return false;
  }
  return loopbackHosts.has(hostname) || hostname.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/**
 * The API key for `api`: `api.api_key` if set, else the environment variable named by
 * `api.api_key_env`. A local base URL may go without one; any other throws a
 * `CONFIG_INVALID` error that names both the config key and the variable. `where` is the
 * config section the settings came from (`api`, `models.claude`…).
 */
export function resolveApiKey(
  api: Pick<Config['api'], 'api_key' | 'api_key_env' | 'base_url'>,
  env: NodeJS.ProcessEnv,
  where = 'api',
): string | undefined {
  const literal = api.api_key?.trim();
  if (literal) return literal;
  const fromEnv = env[api.api_key_env]?.trim();
  if (fromEnv) return fromEnv;
  if (isLocalBaseURL(api.base_url)) return undefined;
  throw new AsiEvolveError(
    'CONFIG_INVALID',
    `No API key for ${displayURL(api.base_url)}: the environment variable ${api.api_key_env} (named by ${where}.api_key_env) is not set, and ${where}.api_key is empty.`,
    {
      key: `${where}.api_key_env`,
      hint: `Export ${api.api_key_env}=<your key>, point ${where}.api_key_env at the variable that holds it, or set api.provider: builtin to run without a model.`,
    },
  );
}
