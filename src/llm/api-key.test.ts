import { describe, expect, it } from 'vitest';
import { AsiEvolveError } from '../errors.js';
import { isLocalBaseURL, resolveApiKey } from './api-key.js';

const api = (base_url: string, api_key?: string) => ({ base_url, api_key, api_key_env: 'MY_LLM_KEY' });

describe('resolveApiKey', () => {
  it('prefers api.api_key, then the variable named by api.api_key_env', () => {
    expect(resolveApiKey(api('https://api.openai.com/v1', 'literal'), { MY_LLM_KEY: 'from-env' })).toBe('literal');
    expect(resolveApiKey(api('https://api.openai.com/v1'), { MY_LLM_KEY: ' from-env ' })).toBe('from-env');
  });

  it('lets a local server go without a key', () => {
    expect(resolveApiKey(api('http://localhost:11434/v1'), {})).toBeUndefined();
    expect(resolveApiKey(api('http://127.0.0.1:8000/v1'), {})).toBeUndefined();
    expect(isLocalBaseURL('http://[::1]:8000/v1')).toBe(true);
    expect(isLocalBaseURL('https://api.deepseek.com')).toBe(false);
    expect(isLocalBaseURL('not a url')).toBe(false);
  });

  it('names the config key and the variable when a remote server has no key', () => {
    let caught: unknown;
    try {
      resolveApiKey(api('https://api.deepseek.com/v1'), { OTHER: 'x', MY_LLM_KEY: '' });
    } catch (error) {
      caught = error;
    }
    expect(AsiEvolveError.isInstance(caught)).toBe(true);
    const error = caught as AsiEvolveError;
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.key).toBe('api.api_key_env');
    expect(error.message).toContain('MY_LLM_KEY');
    expect(error.message).toContain('api.api_key_env');
    expect(error.isUserError).toBe(true);
  });
});
