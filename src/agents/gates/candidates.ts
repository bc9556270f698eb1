import type { NoveltyCandidate } from './novelty-types.js';

/**
 * Novelty candidates for nodes known only by id and score (e.g. the sampling population), whose
 * texts are loaded on first use, once per candidate. The gate reads a node's texts only the
 * first time it sees its id, so a check loads only the nodes stored since the previous one.
 * @example
 * const existing = noveltyCandidates(store.sampleableNodes(), (id) => store.requireNode(id));
 */
export function noveltyCandidates(
  nodes: Iterable<{ readonly id: number; readonly score: number | null }>,
  load: (id: number) => { readonly motivation: string; readonly program: string },
): NoveltyCandidate[] {
  const candidates: NoveltyCandidate[] = [];
  for (const { id, score } of nodes) {
    let texts: { readonly motivation: string; readonly program: string } | undefined;
    const read = () => (texts ??= load(id));
    candidates.push({
      id,
      score,
      get motivation() {
        return read().motivation;
      },
      get program() {
        return read().program;
      },
    });
  }
  return candidates;
}
