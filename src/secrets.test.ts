import { describe, expect, it } from 'vitest';
import { redactSecrets } from './secrets.js';

describe('redactSecrets', () => {
  it('takes out tokens, key values, URL user info, key-like query values and known secrets', () => {
    const text = [
      'Authorization: Bearer abc.def-123',
      'api_key=sk-proj-ABCDEFGH12345678',
      '{"x-api-key": "zzz"}',
      'redis://:hunter22@cache:6379/0',
      'https://user:pw@host/v1?api-key=abc&model=m',
      'the key is s3cr3t-value here',
    ].join('\n');
    const clean = redactSecrets(text, ['s3cr3t-value', undefined, 'ab']);
    for (const secret of [
      'abc.def-123',
      'ABCDEFGH12345678',
      'zzz',
      'hunter22',
      'user:pw',
      'api-key=abc',
      's3cr3t-value',
    ]) {
      expect(clean).not.toContain(secret);
    }
    // Too-short known values and ordinary words stay.
    expect(clean).toContain('model=m');
    expect(clean).toContain('the key is [redacted] here');
    expect(clean).toContain('cache:6379/0');
  });
});
