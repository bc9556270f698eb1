import { parseJsonArray, parseJsonObject, toJsonText } from './json.js';
import { summaryMetrics, type NewNode, type NodeRecord, type NodeSummary, type Provenance } from '../domain/index.js';
import { usageFromJson, usageToJson } from './usage.js';

/** The summary columns of a `nodes` row, as SQLite returns them. */
export interface NodeSummaryRow {
  id: number;
  step: number;
  name: string;
  score: number | null;
  eval_score: number | null;
  success: number;
  error: string | null;
  parent_ids: string;
  cognition_ids: string;
  provenance: string;
  visit_count: number;
  runtime_ms: number;
  island: number | null;
  operator: string;
  usage: string;
  cost_usd: number;
  created_at: string;
  program_length: number;
  metrics: string;
}

/** A whole row of the `nodes` table. */
export interface NodeRow extends NodeSummaryRow {
  motivation: string;
  program: string;
  results: string;
  analysis: string;
  metadata: string;
}

/** Every column but the long texts, which the table keeps last (see migration 003). */
export const nodeSummaryColumns =
  'id, step, name, score, eval_score, success, error, parent_ids, cognition_ids, provenance, visit_count, runtime_ms, ' +
  'island, operator, usage, cost_usd, created_at, program_length, metrics';

export const nodeColumns = `${nodeSummaryColumns}, metadata, results, motivation, analysis, program`;

const noMetrics: Readonly<Record<string, number>> = Object.freeze({});

/**
 * The stored `metrics` column (numeric results, written by `newNodeParameters`), parsed once
 * into the object returned: no copy unless a hand-edited value is not a number. Rows without
 * metrics share one frozen empty object, which is why the result is read-only.
 */
export function storedMetrics(text: string, file: string): Readonly<Record<string, number>> {
  if (text === '{}') return noMetrics;
  const parsed = parseJsonObject(text, 'metrics', file);
  for (const value of Object.values(parsed)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return Object.fromEntries(
        Object.entries(parsed).filter((entry): entry is [string, number] => Number.isFinite(entry[1])),
      );
    }
  }
  return parsed as Record<string, number>;
}

const provenances: ReadonlySet<string> = new Set<Provenance>(['cognition', 'experience', 'novel', 'unknown']);

/** The named parameters of an insert, JSON fields serialised (this is where a bad field throws). */
export function newNodeParameters(node: NewNode, id: number, createdAt: string): Record<string, unknown> {
  return {
    id,
    step: node.step,
    name: node.name,
    motivation: node.motivation,
    program: node.program,
    results: toJsonText(node.results, 'node.results'),
    analysis: node.analysis,
    score: node.score,
    eval_score: node.evalScore,
    success: node.success ? 1 : 0,
    error: node.error,
    parent_ids: toJsonText(node.parentIds, 'node.parentIds'),
    cognition_ids: toJsonText(node.cognitionIds, 'node.cognitionIds'),
    provenance: node.provenance,
    runtime_ms: node.runtimeMs,
    island: node.island,
    operator: node.operator,
    metadata: toJsonText(node.metadata, 'node.metadata'),
    usage: usageToJson(node.usage),
    cost_usd: node.costUsd,
    created_at: createdAt,
    program_length: node.program.length,
    metrics: JSON.stringify(summaryMetrics(node.results, node.flattenMetrics)),
  };
}

type SummaryFields = Omit<NodeSummary, 'programLength' | 'metrics'>;

function summaryFields(row: NodeSummaryRow, file: string): SummaryFields {
  return {
    id: row.id,
    step: row.step,
    name: row.name,
    score: row.score,
    evalScore: row.eval_score,
    success: row.success === 1,
    error: row.error,
    parentIds: parseJsonArray(row.parent_ids, 'parent_ids', file).filter((value) => typeof value === 'number'),
    cognitionIds: parseJsonArray(row.cognition_ids, 'cognition_ids', file).filter((value) => typeof value === 'string'),
    provenance: provenances.has(row.provenance) ? (row.provenance as Provenance) : 'unknown',
    visitCount: row.visit_count,
    runtimeMs: row.runtime_ms,
    island: row.island,
    operator: row.operator,
    usage: usageFromJson(row.usage, file),
    costUsd: row.cost_usd,
    createdAt: row.created_at,
  };
}

/** A stored row's summary columns back as a NodeSummary; damaged JSON is STORE_CORRUPT naming the file. */
export function nodeSummaryFromRow(row: NodeSummaryRow, file: string): NodeSummary {
  return { ...summaryFields(row, file), programLength: row.program_length, metrics: storedMetrics(row.metrics, file) };
}

/** A stored row back as a NodeRecord; damaged JSON is STORE_CORRUPT naming the file. */
export function nodeFromRow(row: NodeRow, file: string): NodeRecord {
  return {
    ...summaryFields(row, file),
    motivation: row.motivation,
    program: row.program,
    results: parseJsonObject(row.results, 'results', file),
    analysis: row.analysis,
    metadata: parseJsonObject(row.metadata, 'metadata', file),
  };
}
