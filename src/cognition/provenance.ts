import type { NodeRecord, Provenance } from '../store/index.js';

/** How the designs of a set of nodes split by provenance. */
export interface ProvenanceSplit {
  /** Nodes counted. */
  nodes: number;
  counts: Record<Provenance, number>;
  /** Shares (0–1) of the nodes whose provenance was stated; zero when none was. */
  shares: { cognition: number; experience: number; novel: number };
}

/** The split over all designed nodes and over the best of them, as the paper reports it. */
export interface ProvenanceReport {
  all: ProvenanceSplit;
  best: ProvenanceSplit;
  /** The fraction of successful nodes that counts as "best" (0.1 = top 10 %). */
  bestFraction: number;
}

/** Tallies provenance over nodes; shares leave out `unknown` (the designer did not say). */
export function provenanceSplit(nodes: ReadonlyArray<Pick<NodeRecord, 'provenance'>>): ProvenanceSplit {
  const counts: Record<Provenance, number> = { cognition: 0, experience: 0, novel: 0, unknown: 0 };
  for (const node of nodes) counts[node.provenance] = (counts[node.provenance] ?? 0) + 1;
  const stated = counts.cognition + counts.experience + counts.novel;
  const share = (count: number) => (stated === 0 ? 0 : count / stated);
  return {
    nodes: nodes.length,
    counts,
    shares: { cognition: share(counts.cognition), experience: share(counts.experience), novel: share(counts.novel) },
  };
}

/**
 * The paper's provenance report (51.7 % cognition / 38.2 % experience / 10.1 % novel overall in
 * its architecture run): over every node a round designed (the seed left out), and over the
 * best `bestFraction` of the successful ones by score (at least one).
 * @example
 * const { all, best } = provenanceReport(store.nodeSummaries());
 */
export function provenanceReport(
  nodes: ReadonlyArray<Pick<NodeRecord, 'id' | 'step' | 'success' | 'score' | 'provenance'>>,
  bestFraction = 0.1,
): ProvenanceReport {
  const designed = nodes.filter((node) => node.step > 0);
  const successful = designed
    .filter((node) => node.success && node.score !== null)
    .sort((left, right) => (right.score ?? 0) - (left.score ?? 0) || left.id - right.id);
  const bestCount = successful.length === 0 ? 0 : Math.max(1, Math.ceil(successful.length * bestFraction));
  return { all: provenanceSplit(designed), best: provenanceSplit(successful.slice(0, bestCount)), bestFraction };
}
