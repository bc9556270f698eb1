import {
  createCognitionRetriever,
  createLexicalEmbedder,
  createMemoryCognitionSource,
  type CognitionItem,
  type CognitionRetriever,
} from '../cognition/index.js';
import type { Store } from '../store/index.js';

/** One item found, with its lexical similarity (null when only the text filter matched) and how many nodes saw it. */
export interface CognitionHit {
  item: CognitionItem;
  score: number | null;
  seenBy: number;
}

export interface CognitionSearchResult {
  total: number;
  hits: CognitionHit[];
}

/** Least lexical similarity shown; unrelated texts score about 0. */
const minimumSimilarity = 0.02;

/**
 * Searches an experiment's cognition base with the built-in lexical embedder (no model, no
 * network) plus a plain case-insensitive text filter on id, title, content, tags and source.
 * The index is rebuilt only when the items change.
 */
export function createCognitionSearch(): (
  store: Store,
  query: string,
  limit: number,
) => Promise<CognitionSearchResult> {
  let cached: { key: string; items: CognitionItem[]; retriever: CognitionRetriever } | undefined;

  const indexFor = (items: CognitionItem[]) => {
    const key = items.map((item) => `${item.id}\u0000${item.title.length}\u0000${item.content.length}`).join('\u0001');
    if (cached?.key !== key) {
      const source = createMemoryCognitionSource(items);
      cached = {
        key,
        items,
        retriever: createCognitionRetriever({ embedder: createLexicalEmbedder(), source, topK: 1, threshold: 0 }),
      };
    }
    return cached;
  };

  return async (store, query, limit) => {
    const items = store.listCognitionItems();
    const seen = new Map<string, number>();
    for (const node of store.nodeSummaries()) for (const id of node.cognitionIds) seen.set(id, (seen.get(id) ?? 0) + 1);
    const hit = (item: CognitionItem, score: number | null): CognitionHit => ({
      item,
      score,
      seenBy: seen.get(item.id) ?? 0,
    });
    const text = query.trim();
    if (text === '') {
      const ordered = [...items].sort(
        (left, right) => (seen.get(right.id) ?? 0) - (seen.get(left.id) ?? 0) || left.id.localeCompare(right.id),
      );
      return { total: items.length, hits: ordered.slice(0, limit).map((item) => hit(item, null)) };
    }
    const { retriever } = indexFor(items);
    const similar = await retriever.search(text, limit, { threshold: minimumSimilarity });
    const hits = similar.map((match) => hit(match.item, match.score));
    const needle = text.toLowerCase();
    for (const item of items) {
      if (hits.length >= limit) break;
      if (hits.some((found) => found.item.id === item.id)) continue;
      const haystack = [item.id, item.title, item.content, item.source, ...item.tags].join('\n').toLowerCase();
      if (haystack.includes(needle)) hits.push(hit(item, null));
    }
    return { total: items.length, hits };
  };
}
