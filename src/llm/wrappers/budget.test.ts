import { describe, expect, it } from 'vitest';
import { BudgetReachedError } from '../errors.js';
import type { GenerateOptions, GenerateResult, LanguageModel } from '../model.js';
import { createScriptedModel } from '../test-support/scripted.js';
import { BudgetTracker, withBudget, type Reservation } from './budget.js';

const prompt = (characters: number) => ({ messages: [{ role: 'user' as const, content: 'x'.repeat(characters) }] });

/** A model that reports fixed usage, as a provider would. */
function usageModel(modelId: string, usage: GenerateResult['usage']): LanguageModel & { calls: number } {
  const model = {
    provider: 'test',
    modelId,
    contextWindow: undefined,
    calls: 0,
    async generate(_options: GenerateOptions): Promise<GenerateResult> {
      model.calls++;
      return {
        text: 'ok',
        finishReason: { unified: 'stop', raw: 'stop' },
        usage,
        response: { id: undefined, modelId },
      };
    },
  };
  return model;
}

describe('BudgetTracker', () => {
  it('waits for the calls in flight when only they stand in the way, then decides on what they really cost', async () => {
    const tracker = new BudgetTracker({ tokens: 1000 }, { usd: 0, tokens: 300 });
    const first = await tracker.reserve({ usd: 0, tokens: 500 }, 'researcher on m');
    // 300 spent + 500 in flight + 500 could cross 1000: the second call waits for the first.
    let second: Reservation | undefined;
    const waiting = tracker
      .reserve({ usd: 0, tokens: 500 }, 'analyzer on m')
      .then((reservation) => (second = reservation));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(second).toBeUndefined();
    first.settle({ usd: 0, tokens: 100 });
    await waiting;
    expect(second).toBeDefined();
    second?.settle({ usd: 0, tokens: 500 });
    expect(tracker.spent.tokens).toBe(900);
  });

  it('refuses a call that could cross a limit even alone, and every call after it', async () => {
    const tracker = new BudgetTracker({ tokens: 1000 }, { usd: 0, tokens: 600 });
    await expect(tracker.reserve({ usd: 0, tokens: 500 }, 'researcher on m')).rejects.toThrow(BudgetReachedError);
    // Sticky: the run is stopping, even a small call is refused now.
    await expect(tracker.reserve({ usd: 0, tokens: 1 }, 'judge on m')).rejects.toThrow(/Budget reached/);
    expect(tracker.refusal?.limit).toBe('tokens');
  });

  it('names the limit, the spend and the refused call in its message, with a hint to resume', async () => {
    const tracker = new BudgetTracker({ usd: 0.05 }, { usd: 0.049, tokens: 0 });
    const caught = await tracker
      .reserve({ usd: 0.002, tokens: 10 }, 'researcher on gpt-4o')
      .catch((error: unknown) => error);
    expect(BudgetReachedError.isInstance(caught)).toBe(true);
    const error = caught as BudgetReachedError;
    expect(error.code).toBe('BUDGET_REACHED');
    expect(error.message).toContain('$0.0490 spent of the $0.05 limit (budget.usd)');
    expect(error.message).toContain('researcher on gpt-4o');
    expect(error.hint).toContain('--budget-usd');
    expect(error.key).toBe('budget.usd');
  });

  it('checks its limits on entry, and describes itself', () => {
    expect(() => new BudgetTracker({ usd: 0 })).toThrow(/Expected `usd`/);
    expect(new BudgetTracker({ usd: 5 }, { usd: 0.5, tokens: 1200 }).describe()).toBe(
      '$0.50 of $5.00, 1,200 tokens (no limit)',
    );
  });
});

describe('withBudget', () => {
  it('refuses a call before it is sent when prompt plus max output could cross the limit', async () => {
    // gpt-4o-mini: $0.15 in, $0.60 out per million.
    const inner = usageModel('gpt-4o-mini', { inputTokens: 1000, cachedInputTokens: 0, outputTokens: 200 });
    const tracker = new BudgetTracker({ usd: 0.01 });
    const model = withBudget(inner, { tracker, role: 'researcher', maxOutputTokens: 4000 });
    // Worst case of one call: 1004 tokens in, 4000 out = $0.00255; actual: 1000 in, 200 out = $0.00027.
    let sent = 0;
    for (;;) {
      try {
        await model.generate(prompt(4000));
        sent++;
      } catch (error) {
        expect(BudgetReachedError.isInstance(error)).toBe(true);
        break;
      }
    }
    expect(inner.calls).toBe(sent);
    const spent = tracker.spent.usd;
    expect(spent).toBeLessThanOrEqual(0.01);
    // It stopped within one call's worst case of the limit.
    expect(spent + (1004 * 0.15 + 4000 * 0.6) / 1e6).toBeGreaterThan(0.01);
  });

  it("uses the call's own maxOutputTokens, counts tokens, and releases a failed call's reservation", async () => {
    const tracker = new BudgetTracker({ tokens: 1000 });
    const failing = withBudget(createScriptedModel([new Error('boom')]), {
      tracker,
      role: 'analyzer',
      maxOutputTokens: 100_000,
    });
    await expect(failing.generate({ ...prompt(400), maxOutputTokens: 100 })).rejects.toThrow('boom');
    expect(tracker.spent.tokens).toBe(0);
    const model = withBudget(
      usageModel('unpriced-model', { inputTokens: undefined, cachedInputTokens: undefined, outputTokens: 50 }),
      {
        tracker,
        role: 'analyzer',
        maxOutputTokens: 100,
      },
    );
    await model.generate(prompt(400));
    // Unknown input is counted at the estimate (104), never as zero.
    expect(tracker.spent).toEqual({ usd: 0, tokens: 154 });
  });
});
