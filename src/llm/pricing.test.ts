import { describe, expect, it } from 'vitest';
import { builtinPrices, costOf, priceOf } from './pricing.js';

const usage = (inputTokens: number, cachedInputTokens: number, outputTokens: number) => ({
  inputTokens,
  cachedInputTokens,
  outputTokens,
});

describe('pricing', () => {
  it('matches dated snapshots to their base model, preferring the longest name', () => {
    expect(priceOf('gpt-4o-2024-08-06')).toBe(builtinPrices['gpt-4o']);
    expect(priceOf('gpt-4o-mini-2024-07-18')).toBe(builtinPrices['gpt-4o-mini']);
    expect(priceOf('claude-sonnet-4-20250514')).toBe(builtinPrices['claude-sonnet-4']);
    expect(priceOf('claude-3-5-haiku-latest')).toBe(builtinPrices['claude-3-5-haiku']);
    expect(priceOf('claude-opus-4-1-20250805')).toBe(builtinPrices['claude-opus-4-1']);
    expect(priceOf('GPT-5-Mini')).toBe(builtinPrices['gpt-5-mini']);
    expect(priceOf('openai/gpt-4.1')).toBe(builtinPrices['gpt-4.1']);
  });

  it('does not price a different model that only shares a prefix', () => {
    expect(priceOf('gpt-4o-audio-preview')).toBeUndefined();
    expect(priceOf('o3-pro')).toBeUndefined();
  });

  it('computes cost with cached input at its own price', () => {
    // gpt-4o: 2.5 input, 1.25 cached, 10 output per million.
    const cost = costOf('gpt-4o-2024-08-06', usage(1_000_000, 400_000, 100_000));
    expect(cost.priced).toBe(true);
    expect(cost.costUsd).toBeCloseTo(0.6 * 2.5 + 0.4 * 1.25 + 0.1 * 10, 10);
  });

  it('reports an unknown model as unpriced with zero cost, and treats unknown counts as zero', () => {
    expect(costOf('my-local-model', usage(1000, 0, 1000))).toEqual({ costUsd: 0, priced: false });
    const cost = costOf('deepseek-chat', {
      inputTokens: 1_000_000,
      cachedInputTokens: undefined,
      outputTokens: undefined,
    });
    expect(cost).toEqual({ costUsd: 0.28, priced: true });
  });

  it('lets overrides win over the built-in table and price new models', () => {
    const overrides = { 'gpt-4o': { input: 1, output: 1 }, 'my-local-model': { input: 0.5, output: 2 } };
    expect(costOf('gpt-4o-2024-08-06', usage(1_000_000, 0, 0), overrides).costUsd).toBe(1);
    expect(costOf('my-local-model', usage(1_000_000, 500_000, 1_000_000), overrides).costUsd).toBe(2.5);
  });
});
