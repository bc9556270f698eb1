import { prepare, type StoreContext } from './database.js';
import { parseJsonObject, toJsonText } from './json.js';
import type { LlmCallRecord } from '../domain/index.js';
import { usageFromJson, usageToJson } from './usage.js';

/** An LLM call as read back, with the id the store gave it. */
export type StoredLlmCall = LlmCallRecord & { id: number };

export interface LlmCallFilter {
  /** Only the calls made for this node. */
  nodeId?: number;
}

/** Cost and token totals of a group of calls; unknown token counts add nothing. */
export interface SpendTotals {
  usd: number;
  inputTokens: number;
  outputTokens: number;
  calls: number;
}

export interface SpendSummary {
  totalUsd: number;
  inputTokens: number;
  outputTokens: number;
  calls: number;
  byRole: Record<string, SpendTotals>;
  /** Keyed by model id. */
  byModel: Record<string, SpendTotals>;
}

interface LlmCallRow {
  id: number;
  node_id: number | null;
  step: number | null;
  role: string;
  provider: string;
  model_id: string;
  request: string;
  response_text: string;
  usage: string;
  cost_usd: number;
  duration_ms: number;
  error: string | null;
  attempt: number;
  created_at: string;
}

const columns =
  'id, node_id, step, role, provider, model_id, request, response_text, usage, cost_usd, duration_ms, error, attempt, created_at';

/** Writes one call and returns its id. */
export function insertLlmCall(context: StoreContext, call: LlmCallRecord): number {
  const result = prepare(
    context,
    `INSERT INTO llm_calls (node_id, step, role, provider, model_id, request, response_text, usage, cost_usd,
       duration_ms, error, attempt, created_at)
     VALUES (@node_id, @step, @role, @provider, @model_id, @request, @response_text, @usage, @cost_usd,
       @duration_ms, @error, @attempt, @created_at)`,
  ).run({
    node_id: call.nodeId,
    step: call.step,
    role: call.role,
    provider: call.provider,
    model_id: call.modelId,
    request: toJsonText(call.request, 'call.request'),
    response_text: call.responseText,
    usage: usageToJson(call.usage),
    cost_usd: call.costUsd,
    duration_ms: call.durationMs,
    error: call.error,
    attempt: call.attempt,
    created_at: call.createdAt,
  });
  return Number(result.lastInsertRowid);
}

export function listLlmCalls(context: StoreContext, filter: LlmCallFilter = {}): StoredLlmCall[] {
  const rows = (
    filter.nodeId === undefined
      ? prepare(context, `SELECT ${columns} FROM llm_calls ORDER BY id`).all()
      : prepare(context, `SELECT ${columns} FROM llm_calls WHERE node_id = ? ORDER BY id`).all(filter.nodeId)
  ) as LlmCallRow[];
  return rows.map((row) => ({
    id: row.id,
    nodeId: row.node_id,
    step: row.step,
    role: row.role,
    provider: row.provider,
    modelId: row.model_id,
    request: parseJsonObject(row.request, 'request', context.file),
    responseText: row.response_text,
    usage: usageFromJson(row.usage, context.file),
    costUsd: row.cost_usd,
    durationMs: row.duration_ms,
    error: row.error,
    attempt: row.attempt,
    createdAt: row.created_at,
  }));
}

interface TotalsRow {
  key: string;
  usd: number;
  input_tokens: number;
  output_tokens: number;
  calls: number;
}

const totalsSelect = `coalesce(sum(cost_usd), 0) AS usd,
  coalesce(sum(json_extract(usage, '$.inputTokens')), 0) AS input_tokens,
  coalesce(sum(json_extract(usage, '$.outputTokens')), 0) AS output_tokens,
  count(*) AS calls`;

function totalsByKey(context: StoreContext, column: 'role' | 'model_id'): Record<string, SpendTotals> {
  const rows = prepare(context, `SELECT ${column} AS key, ${totalsSelect} FROM llm_calls GROUP BY ${column} ORDER BY ${column}`).all() as TotalsRow[];
  const totals: Record<string, SpendTotals> = {};
  for (const row of rows) {
    totals[row.key] = { usd: row.usd, inputTokens: row.input_tokens, outputTokens: row.output_tokens, calls: row.calls };
  }
  return totals;
}

/** Spend over every stored call, failed attempts included (they were paid for when usage is known). */
export function spendSummary(context: StoreContext): SpendSummary {
  const all = prepare(context, `SELECT '' AS key, ${totalsSelect} FROM llm_calls`).get() as TotalsRow;
  return {
    totalUsd: all.usd,
    inputTokens: all.input_tokens,
    outputTokens: all.output_tokens,
    calls: all.calls,
    byRole: totalsByKey(context, 'role'),
    byModel: totalsByKey(context, 'model_id'),
  };
}
