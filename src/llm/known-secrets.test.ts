import { describe, expect, it } from 'vitest';
import { configSchema } from '../config/index.js';
import { createScriptedModel } from './test-support/scripted.js';
import { withRecorder, type LlmCallRecordDraft } from './wrappers/recorder.js';
import { knownSecrets, secretRedactor, withReplyRedaction } from './known-secrets.js';

describe('knownSecrets', () => {
  it('collects config keys, the variables api_key_env names and credential-named variables, longest first', () => {
    const config = configSchema.parse({
      api: { model: 'm', api_key_env: 'MY_LLM_KEY' },
      models: { other: { model: 'o', api_key: 'literal-key-12345' }, short: { model: 's', api_key: 'abc' } },
    });
    const env = {
      MY_LLM_KEY: 'sk-from-env-999999',
      GITHUB_TOKEN: 'ghp_token_value_1234',
      HOME: '/root/home/dir',
      EMPTY_API_KEY: '',
    };
    expect(knownSecrets(config, env)).toEqual(['ghp_token_value_1234', 'sk-from-env-999999', 'literal-key-12345']);
  });
});

describe('redaction of what a model echoes', () => {
  const secret = 'sk-echoed-secret-123456';
  const redact = secretRedactor([secret]);

  it('replaces only the known values, leaving credential-shaped code as written', () => {
    expect(redact(`key ${secret} and again ${secret}`)).toBe('key [redacted] and again [redacted]');
    expect(redact('api_key = "placeholder"')).toBe('api_key = "placeholder"');
    expect(secretRedactor([])('x')).toBe('x');
  });

  it('removes a secret from the reply and from every text of the record', async () => {
    const records: LlmCallRecordDraft[] = [];
    const base = createScriptedModel([`<name>${secret}</name>`, new Error(`401: bad key ${secret}`)]);
    const model = withRecorder(withReplyRedaction(base, redact), {
      role: 'researcher',
      onCall: (record) => records.push(record),
      redact,
    });
    const result = await model.generate({
      system: `system ${secret}`,
      messages: [{ role: 'user', content: `prompt ${secret}` }],
    });
    expect(result.text).toBe('<name>[redacted]</name>');
    await expect(model.generate({ messages: [{ role: 'user', content: 'again' }] })).rejects.toThrow();
    expect(JSON.stringify(records)).not.toContain(secret);
    expect(records[0]?.request).toEqual({
      system: 'system [redacted]',
      messages: [{ role: 'user', content: 'prompt [redacted]' }],
    });
    expect(records[1]?.error).toBe('401: bad key [redacted]');
  });
});
