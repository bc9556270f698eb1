import type { SpendSummary, Store } from '../store/index.js';

/** One LLM call on the spend chart (no prompt or response). */
export interface SpendPoint {
  time: string;
  role: string;
  modelId: string;
  step: number | null;
  usd: number;
  inputTokens: number | null;
  outputTokens: number | null;
}

/** Spend totals and every call in time order, for the cumulative spend-by-role chart. */
export interface SpendTimeline {
  totals: SpendSummary;
  points: SpendPoint[];
}

/**
 * The spend timeline of a store, rebuilt only when the calls change (their count or total):
 * reading every call means reading its prompt and response too, which is the costly part.
 */
export function createSpendTimelineCache(): (store: Store) => SpendTimeline {
  let cached: { key: string; timeline: SpendTimeline } | undefined;
  return (store) => {
    const totals = store.spendSummary();
    const key = `${totals.calls}:${totals.totalUsd}:${totals.inputTokens}:${totals.outputTokens}`;
    if (cached?.key !== key) cached = { key, timeline: buildSpendTimeline(store) };
    return cached.timeline;
  };
}

export function buildSpendTimeline(store: Store): SpendTimeline {
  const points = store
    .listLlmCalls()
    .map((call) => ({
      time: call.createdAt,
      role: call.role,
      modelId: call.modelId,
      step: call.step,
      usd: call.costUsd,
      inputTokens: call.usage.inputTokens ?? null,
      outputTokens: call.usage.outputTokens ?? null,
    }))
    .sort((left, right) => (left.time < right.time ? -1 : left.time > right.time ? 1 : 0));
  return { totals: store.spendSummary(), points };
}
