import { samplingAlgorithms } from '../sampling/index.js';
import type { JsonObject, JsonValue, Store } from '../store/index.js';

/** One MAP-Elites cell: bin index per feature dimension and its elite. */
export interface EliteCell {
  bins: number[];
  id: number;
  score: number;
}

/** One island as the dashboard draws it. */
export interface IslandView {
  index: number;
  /** Nodes whose `island` is this one. */
  members: number;
  migrants: number[];
  cells: EliteCell[];
}

/** A sampling policy's saved state, plus a drawable view for the island policy. */
export interface SamplerView {
  name: string;
  state: JsonValue;
  islands?: { featureDimensions: string[]; featureBins: number; selections: number | null; islands: IslandView[] };
}

/** What the dashboard shows about sampling: each saved policy state and the most visited nodes. */
export interface SamplerOverview {
  policies: SamplerView[];
  mostVisited: Array<{ id: number; name: string; score: number | null; visits: number }>;
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function islandView(state: JsonObject, memberCounts: Map<number, number>): SamplerView['islands'] | undefined {
  const islands = state.islands;
  const dimensions = state.featureDimensions;
  if (!Array.isArray(islands) || !Array.isArray(dimensions)) return undefined;
  return {
    featureDimensions: dimensions.filter((name): name is string => typeof name === 'string'),
    featureBins: typeof state.featureBins === 'number' ? state.featureBins : 0,
    selections: typeof state.selections === 'number' ? state.selections : null,
    islands: islands.map((island, index) => {
      const cells: EliteCell[] = [];
      const archive = isObject(island) && Array.isArray(island.archive) ? island.archive : [];
      for (const entry of archive) {
        if (!Array.isArray(entry)) continue;
        const [cell, id, score] = entry;
        if (typeof cell !== 'string' || typeof id !== 'number' || typeof score !== 'number') continue;
        cells.push({ bins: cell.split(',').map(Number), id, score });
      }
      const migrants =
        isObject(island) && Array.isArray(island.migrants)
          ? island.migrants.filter((id): id is number => typeof id === 'number')
          : [];
      return { index, members: memberCounts.get(index) ?? 0, migrants, cells };
    }),
  };
}

/** Reads every saved sampler state (one per algorithm ever used in the experiment). */
export function buildSamplerOverview(store: Store, mostVisitedCount = 10): SamplerOverview {
  const nodes = store.sampleableNodes();
  const memberCounts = new Map<number, number>();
  for (const node of nodes)
    if (node.island !== null) memberCounts.set(node.island, (memberCounts.get(node.island) ?? 0) + 1);
  const policies: SamplerView[] = [];
  for (const name of samplingAlgorithms) {
    const state = store.loadSamplerState(name);
    if (state === undefined) continue;
    const islands = isObject(state) && state.policy === 'island' ? islandView(state, memberCounts) : undefined;
    policies.push({ name, state, ...(islands ? { islands } : {}) });
  }
  const visited = nodes
    .filter((node) => node.visitCount > 0)
    .sort((left, right) => right.visitCount - left.visitCount || left.id - right.id);
  return {
    policies,
    mostVisited: visited.slice(0, mostVisitedCount).map((node) => ({
      id: node.id,
      name: store.getNodeSummary(node.id)?.name ?? '',
      score: node.score,
      visits: node.visitCount,
    })),
  };
}
