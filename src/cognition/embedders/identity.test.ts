import { describe, expect, it } from 'vitest';
import { embedderIdentity } from './identity.js';

describe('embedderIdentity', () => {
  it('joins provider, model and dimensions', () => {
    expect(
      embedderIdentity({ provider: 'openai-compatible', modelId: 'text-embedding-3-small', dimensions: 384 }),
    ).toBe('openai-compatible:text-embedding-3-small:384');
  });
});
