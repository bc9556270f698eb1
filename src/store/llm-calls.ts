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
  scope: 'all' | 'role' | 'model';
  key: string;
  usd: number;
  input_tokens: number;
  output_tokens: number;
  calls: number;
}

/**
 * Spend over every stored call, failed attempts included (they were paid for when usage is known).
 * Read from the running totals that the database keeps beside the calls (see migration 003), so
 * it costs the same at any number of calls.
 */
export function spendSummary(context: StoreContext): SpendSummary {
  const rows = prepare(
    context,
    "SELECT scope, key, usd, input_tokens, output_tokens, calls FROM spend_totals WHERE calls > 0 OR scope = 'all' ORDER BY scope, key",
  ).all() as TotalsRow[];
  const summary: SpendSummary = { totalUsd: 0, inputTokens: 0, outputTokens: 0, calls: 0, byRole: {}, byModel: {} };
  for (const row of rows) {
    const totals: SpendTotals = {
      usd: row.usd,
      inputTokens: row.input_tokens,
      outputTokens: row.output_tokens,
      calls: row.calls,
    };
    if (row.scope === 'all') {
      summary.totalUsd = row.usd;
      summary.inputTokens = row.input_tokens;
      summary.outputTokens = row.output_tokens;
      summary.calls = row.calls;
    } else if (row.scope === 'role') {
      summary.byRole[row.key] = totals;
    } else {
      summary.byModel[row.key] = totals;
    }
  }
  return summary;
}
