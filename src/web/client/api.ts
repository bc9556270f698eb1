/**
 * The JSON the dashboard's API answers, as far as the pages read it. The server's own types are
 * in node-summary.ts, node-detail.ts, spend-timeline.ts, sampler-view.ts and cognition-search.ts;
 * they are not imported here because those modules are checked against Node, this folder
 * against the DOM.
 */

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
  provenance: string;
  costUsd: number;
  runtimeMs: number;
  createdAt: string;
}

export interface ExperimentSummary {
  index: number;
  name: string;
  dir: string;
  hasRun: boolean;
  nodes: number;
  rounds: number;
  succeeded: number;
  best: { id: number; step: number; name: string; score: number } | null;
  seedScore: number | null;
  spendUsd: number;
  llmCalls: number;
  lastUpdate: string | null;
}

export interface SpendTotals {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  usd: number;
}

export interface SpendTimeline {
  totals: { byRole: Record<string, SpendTotals> };
  points: Array<{ time: string; role: string; usd: number }>;
}

export interface EliteCell {
  bins: number[];
  id: number;
  score: number;
}

export interface IslandView {
  index: number;
  members: number;
  migrants: number[];
  cells: EliteCell[];
}

export interface IslandsView {
  featureDimensions: string[];
  featureBins: number;
  islands: IslandView[];
}

export interface SamplerOverview {
  policies: Array<{ name: string; state: unknown; islands?: IslandsView }>;
  mostVisited: Array<{ id: number; name: string; score: number | null; visits: number }>;
}

export interface RunEvent {
  message: string;
  createdAt: string;
}

/** What /api/events sends after `hello`. */
export type LiveMessage =
  { type: 'node'; experiment: number; node: NodeSummary } | { type: 'run-event'; experiment: number; event: RunEvent };

export interface CognitionItem {
  id: string;
  title: string;
  content: string;
  source: string;
  tags: string[];
}

export interface NodeLink {
  id: number;
  name: string;
  score: number | null;
  success: boolean;
}

export interface StoredNode extends NodeSummary {
  evalScore: number | null;
  visitCount: number;
  motivation: string;
  program: string;
  analysis: string;
  results: Record<string, unknown>;
  metadata: unknown;
}

export interface NodeDetail {
  node: StoredNode;
  parent: NodeLink | null;
  diff: string | null;
  /** A multi-file node's changed files against its parent; null for a single-file node. */
  fileDiffs: Array<{ path: string; kind: 'added' | 'deleted' | 'modified'; diff: string }> | null;
  children: NodeLink[];
  previousId: number | null;
  nextId: number | null;
  cognition: Array<CognitionItem | { id: string; missing: true }>;
  transcripts: Array<{ file: string; content: unknown; truncated: boolean }>;
  logs: Record<string, { text: string; truncated: boolean; totalBytes: number }>;
  stepFolder: string;
}

export interface CognitionSearchResult {
  total: number;
  hits: Array<{ item: CognitionItem; score: number | null; seenBy: number }>;
}

export interface FrontObjective {
  name: string;
  direction: 'maximize' | 'minimize';
  min?: number;
  max?: number;
}

export interface FrontPoint {
  id: number;
  step: number;
  name: string;
  values: Record<string, number>;
  onFront: boolean;
  feasible: boolean;
  winsInstances: string[];
}

export interface FrontView {
  objectives: FrontObjective[];
  outOfBounds: string;
  instances: string | null;
  front: FrontPoint[];
  dominated: number;
  infeasible: number;
  points: FrontPoint[];
  growth: Array<{ step: number; size: number }>;
}

/** What /api/experiments/:x/front answers: null without objectives. */
export interface FrontAnswer {
  front: FrontView | null;
}
