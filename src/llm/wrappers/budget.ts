import { formatUsd } from '../../domain/index.js';
import { BudgetReachedError } from '../errors.js';
import type { GenerateResult, LanguageModel } from '../model.js';
import { costOf, type Pricing } from '../pricing.js';
import { estimatePromptTokens } from '../token-estimate.js';

/** Spending limits; an absent limit is not enforced. */
export interface BudgetLimits {
  usd?: number | undefined;
  tokens?: number | undefined;
}

/** An amount of spending: money and tokens (input plus output). */
export interface Spend {
  usd: number;
  tokens: number;
}

/** A call's share of the budget while it is in flight. */
export interface Reservation {
  /** Replaces the reservation by what the call really cost. */
  settle(actual: Spend): void;
}

function formatAmount(kind: 'usd' | 'tokens', value: number): string {
  return kind === 'usd' ? formatUsd(value) : `${Math.round(value).toLocaleString('en-US')} tokens`;
}

/**
 * Keeps a run's spending against its limits. Calls in flight hold a reservation of their
 * worst case, so concurrent rounds cannot cross a limit together; a call that fits only once
 * they finish waits for them. Once a call is refused, every later one is too (the run is
 * stopping).
 *
 * @example
 * const tracker = new BudgetTracker({ usd: 5 }, store.spendSummary()); // resumes the stored spend
 */
export class BudgetTracker {
  readonly limits: Readonly<BudgetLimits>;
  #spent: Spend;
  #reserved: Spend = { usd: 0, tokens: 0 };
  #refusal: BudgetReachedError | undefined;
  readonly #inFlight = new Set<Promise<void>>();

  /** `initial`: what earlier runs of the experiment already spent. */
  constructor(limits: BudgetLimits, initial: Spend = { usd: 0, tokens: 0 }) {
    for (const kind of ['usd', 'tokens'] as const) {
      const value = limits[kind];
      if (value !== undefined && !(value > 0))
        throw new TypeError(`Expected \`${kind}\` to be a positive number, got ${value}`);
    }
    this.limits = { ...limits };
    this.#spent = { ...initial };
  }

  /** Spent so far, calls in flight excluded. */
  get spent(): Spend {
    return { ...this.#spent };
  }

  /** The refusal that stopped the run, if one did. */
  get refusal(): BudgetReachedError | undefined {
    return this.#refusal;
  }

  /**
   * Reserves `estimate` for a call about to be sent, or throws BudgetReachedError when the
   * spend so far and this call could cross a limit. When only the calls in flight stand in
   * the way, it waits for them to finish (their real cost is usually far below their
   * reservation) and decides then, so concurrent rounds stop within one call of the limit.
   */
  async reserve(estimate: Spend, what: string): Promise<Reservation> {
    for (;;) {
      if (this.#refusal) throw this.#refusal;
      const blocked = this.#blockedBy(estimate, true);
      if (blocked === null) break;
      if (this.#blockedBy(estimate, false) === null && this.#inFlight.size > 0) {
        await Promise.race(this.#inFlight);
        continue;
      }
      const kind = blocked;
      const limit = this.limits[kind] as number;
      this.#refusal = new BudgetReachedError(
        `Budget reached: ${formatAmount(kind, this.#spent[kind])} spent of the ${formatAmount(kind, limit)} limit (budget.${kind}); ` +
          `the next call, ${what}, could cost up to ${formatAmount(kind, estimate[kind])} and was not sent.`,
        { limit: kind, limitValue: limit, spent: this.#spent[kind] },
      );
      throw this.#refusal;
    }
    this.#reserved.usd += estimate.usd;
    this.#reserved.tokens += estimate.tokens;
    let release: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.#inFlight.add(done);
    let settled = false;
    return {
      settle: (actual) => {
        if (settled) return;
        settled = true;
        this.#reserved.usd -= estimate.usd;
        this.#reserved.tokens -= estimate.tokens;
        this.#spent.usd += actual.usd;
        this.#spent.tokens += actual.tokens;
        this.#inFlight.delete(done);
        release();
      },
    };
  }

  /** The first limit `estimate` could cross, counting the calls in flight or not; null when none. */
  #blockedBy(estimate: Spend, countInFlight: boolean): 'usd' | 'tokens' | null {
    for (const kind of ['usd', 'tokens'] as const) {
      const limit = this.limits[kind];
      if (limit === undefined) continue;
      const committed = this.#spent[kind] + (countInFlight ? this.#reserved[kind] : 0);
      if (committed + estimate[kind] > limit) return kind;
    }
    return null;
  }

  /** Counts spending made outside `withBudget` (e.g. calls recorded by other parts). */
  add(actual: Spend): void {
    this.#spent.usd += actual.usd;
    this.#spent.tokens += actual.tokens;
  }

  /** One line for people, e.g. `$0.4210 of $5.00, 120,000 tokens (no limit)`. */
  describe(): string {
    const part = (kind: 'usd' | 'tokens'): string => {
      const limit = this.limits[kind];
      return `${formatAmount(kind, this.#spent[kind])}${limit === undefined ? ' (no limit)' : ` of ${formatAmount(kind, limit)}`}`;
    };
    return `${part('usd')}, ${part('tokens')}`;
  }
}

export interface BudgetOptions {
  tracker: BudgetTracker;
  /** For the refusal message, e.g. `researcher`. */
  role: string;
  /** The output tokens a call may produce when it does not say (the model's max_tokens). */
  maxOutputTokens: number;
  pricing?: Pricing;
}

/** What a finished call cost; unknown counts fall back to the estimate (a bill is never lower for not being reported). */
function actualSpend(
  modelId: string,
  result: GenerateResult,
  estimate: { promptTokens: number },
  pricing: Pricing | undefined,
): Spend {
  const usage = { ...result.usage, inputTokens: result.usage.inputTokens ?? estimate.promptTokens };
  const outputTokens = usage.outputTokens ?? 0;
  let cost = costOf(result.response.modelId ?? modelId, usage, pricing);
  if (!cost.priced) cost = costOf(modelId, usage, pricing);
  return { usd: cost.costUsd, tokens: usage.inputTokens + outputTokens };
}

/**
 * Wraps a model so that each call is checked against the budget BEFORE it is sent. The
 * worst case of a call is its prompt (estimated at four characters per token) plus the most
 * output it may produce (`maxOutputTokens` of the call, else of the model), priced with the
 * model's price; a call that could cross a limit is refused with BudgetReachedError. After
 * the call, its reported usage replaces the reservation. A failed attempt counts nothing
 * (its usage is unknown). A model without a known price counts $0.
 *
 * Place it inside `withRetry` so that every attempt is checked:
 * `withRetry(withBudget(withRecorder(withDeadline(base))))`.
 *
 * @example
 * const model = withBudget(base, { tracker, role: 'researcher', maxOutputTokens: 8192 });
 */
export function withBudget(model: LanguageModel, options: BudgetOptions): LanguageModel {
  return {
    provider: model.provider,
    modelId: model.modelId,
    contextWindow: model.contextWindow,
    async generate(generateOptions) {
      const promptTokens = estimatePromptTokens(generateOptions);
      const outputTokens = generateOptions.maxOutputTokens ?? options.maxOutputTokens;
      const usage = { inputTokens: promptTokens, cachedInputTokens: 0, outputTokens };
      const estimate = {
        usd: costOf(model.modelId, usage, options.pricing).costUsd,
        tokens: promptTokens + outputTokens,
      };
      const reservation = await options.tracker.reserve(estimate, `${options.role} on ${model.modelId}`);
      let result: GenerateResult;
      try {
        result = await model.generate(generateOptions);
      } catch (error) {
        reservation.settle({ usd: 0, tokens: 0 });
        throw error;
      }
      reservation.settle(actualSpend(model.modelId, result, { promptTokens }, options.pricing));
      return result;
    },
  };
}
