import type { NodeRecord, Provenance, Store } from '../store/index.js';
import type { ExperimentSource } from './experiment-source.js';

/** What the overview needs of a node (no program, analysis or results). */
export interface NodeSummary {
  id: number;
  step: number;
  name: string;
  score: number | null;
  success: boolean;
  error: string | null;
  parentIds: number[];
  operator: string;
  island: number | null;
  provenance: Provenance;
  costUsd: number;
  runtimeMs: number;
  createdAt: string;
}

/** The overview's fields of a node, whole or as the store summarises it. */
type SummarisedFields = Pick<NodeRecord, keyof NodeSummary>;

export function toNodeSummary(node: SummarisedFields): NodeSummary {
  return {
    id: node.id,
    step: node.step,
    name: node.name,
    score: node.score,
    success: node.success,
    error: node.error,
    parentIds: node.parentIds,
    operator: node.operator,
    island: node.island,
    provenance: node.provenance,
    costUsd: node.costUsd,
    runtimeMs: node.runtimeMs,
    createdAt: node.createdAt,
  };
}

/** One experiment's headline figures. */
export interface ExperimentSummary {
  index: number;
  name: string;
  dir: string;
  /** False until a run has stored its database. */
  hasRun: boolean;
  nodes: number;
  /** Rounds (nodes after the seed) stored, and how many succeeded. */
  rounds: number;
  succeeded: number;
  best: { id: number; step: number; name: string; score: number } | null;
  seedScore: number | null;
  spendUsd: number;
  llmCalls: number;
  lastUpdate: string | null;
}

/** Headline figures of an experiment from its nodes and spend. */
export function summariseExperiment(source: ExperimentSource, store: Store | undefined): ExperimentSummary {
  const base = { index: source.index, name: source.name, dir: source.dir };
  if (store === undefined) {
    return {
      ...base,
      hasRun: false,
      nodes: 0,
      rounds: 0,
      succeeded: 0,
      best: null,
      seedScore: null,
      spendUsd: 0,
      llmCalls: 0,
      lastUpdate: null,
    };
  }
  // Running totals and indexed rows: polled by the dashboard, so nothing here reads every node.
  const totals = store.nodeTotals();
  const best = totals.bestId === null ? undefined : store.getNodeSummary(totals.bestId);
  const seed = store.seedSummary();
  const spend = store.spendSummary();
  const lastUpdate = store.latestNodeTime();
  return {
    ...base,
    hasRun: true,
    nodes: totals.nodes,
    rounds: totals.rounds,
    succeeded: totals.roundsSucceeded,
    best: best && best.score !== null ? { id: best.id, step: best.step, name: best.name, score: best.score } : null,
    seedScore: seed?.score ?? null,
    spendUsd: spend.totalUsd,
    llmCalls: spend.calls,
    lastUpdate,
  };
}
