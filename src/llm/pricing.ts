import type { TokenUsage } from '../domain/index.js';

/** Prices in USD per million tokens. `cachedInput` defaults to `input`. */
export interface ModelPrice {
  input: number;
  cachedInput?: number;
  output: number;
}

/** Prices by model id, e.g. to add a model or correct one: `{ 'my-model': { input: 1, output: 2 } }`. */
export type Pricing = Record<string, ModelPrice>;

/** The date the built-in prices were taken from the vendors' price pages. */
export const PRICES_AS_OF = '2025-10-01';

/** List prices (standard tier, no batch discount) as of `PRICES_AS_OF`. */
export const builtinPrices: Readonly<Pricing> = {
  'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 },
  'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 },
  'gpt-4.1': { input: 2, cachedInput: 0.5, output: 8 },
  'gpt-4.1-mini': { input: 0.4, cachedInput: 0.1, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, cachedInput: 0.025, output: 0.4 },
  'gpt-5': { input: 1.25, cachedInput: 0.125, output: 10 },
  'gpt-5-mini': { input: 0.25, cachedInput: 0.025, output: 2 },
  'gpt-5-nano': { input: 0.05, cachedInput: 0.005, output: 0.4 },
  o3: { input: 2, cachedInput: 0.5, output: 8 },
  'o4-mini': { input: 1.1, cachedInput: 0.275, output: 4.4 },
  'deepseek-chat': { input: 0.28, cachedInput: 0.028, output: 0.42 },
  'deepseek-reasoner': { input: 0.28, cachedInput: 0.028, output: 0.42 },
  'claude-sonnet-4': { input: 3, cachedInput: 0.3, output: 15 },
  'claude-sonnet-4-5': { input: 3, cachedInput: 0.3, output: 15 },
  'claude-opus-4': { input: 15, cachedInput: 1.5, output: 75 },
  'claude-opus-4-1': { input: 15, cachedInput: 1.5, output: 75 },
  'claude-3-5-haiku': { input: 0.8, cachedInput: 0.08, output: 4 },
};

// What a vendor appends to a model's name for a snapshot: -2024-08-06, -20250514, -latest.
const snapshotSuffix = /^-(\d{4}-\d{2}-\d{2}|\d{8}|latest)$/;

function findPrice(table: Pricing, modelId: string): ModelPrice | undefined {
  const exact = table[modelId];
  if (exact) return exact;
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    const lower = key.toLowerCase();
    if (modelId === lower || (modelId.startsWith(lower) && snapshotSuffix.test(modelId.slice(lower.length)))) {
      if (best === undefined || lower.length > best.length) best = key;
    }
  }
  return best === undefined ? undefined : table[best];
}

/**
 * The price of a model id, matching dated snapshots to their base name
 * (`gpt-4o-2024-08-06` → `gpt-4o`) and ignoring a router's vendor prefix (`openai/gpt-4o`).
 * `overrides` are consulted first.
 */
export function priceOf(modelId: string, overrides?: Pricing): ModelPrice | undefined {
  const normalized = modelId.trim().toLowerCase();
  const bare = normalized.slice(normalized.lastIndexOf('/') + 1);
  for (const table of overrides ? [overrides, builtinPrices] : [builtinPrices]) {
    const price = findPrice(table, normalized) ?? findPrice(table, bare);
    if (price) return price;
  }
  return undefined;
}

export interface Cost {
  costUsd: number;
  /** False when the model has no known price (the cost is then 0). */
  priced: boolean;
}

/**
 * The cost of one call in USD. `usage.inputTokens` includes the cached ones (as OpenAI
 * reports them); an unknown count counts as zero.
 *
 * @example
 * costOf('gpt-4o-2024-08-06', { inputTokens: 1000, cachedInputTokens: 0, outputTokens: 500 }) // { costUsd: 0.0075, priced: true }
 */
export function costOf(modelId: string, usage: TokenUsage, overrides?: Pricing): Cost {
  const price = priceOf(modelId, overrides);
  if (!price) return { costUsd: 0, priced: false };
  const input = usage.inputTokens ?? 0;
  const cached = Math.min(usage.cachedInputTokens ?? 0, input);
  const output = usage.outputTokens ?? 0;
  const costUsd =
    ((input - cached) * price.input + cached * (price.cachedInput ?? price.input) + output * price.output) / 1_000_000;
  return { costUsd, priced: true };
}
