import { join } from 'node:path';
import type { Embedder } from './embedders/embedder.js';
import { embedderIdentity } from './embedders/identity.js';
import type { CognitionItem, ScoredCognitionItem } from './item.js';
import type { CognitionSource } from './source.js';
import { checkItemVector, type RefusedItem } from './vector-check.js';
import { createVectorSearch } from './vector-search.js';

/** What a retriever is built from. */
export interface CognitionRetrieverOptions {
  embedder: Embedder;
  source: CognitionSource;
  /** Items kept per query (`cognition.retrieval.top_k`). */
  topK: number;
  /**
   * Least cosine similarity an item needs (`cognition.retrieval.score_threshold`), used as
   * given. Its scale depends on the embedder: 0.3 (the reference default) suits neural
   * embeddings; for the lexical embedder use about `suggestedLexicalThreshold` (0.08).
   */
  threshold: number;
  /** Above this many vectors, search an approximate index (`cognition.index.approximate_above`). @default Infinity */
  approximateAbove?: number;
  /** Candidates the approximate search explores per query (`cognition.index.expansion_search`). */
  expansionSearch?: number;
  /** Where the approximate index is kept between runs; see {@link indexCacheFileFor}. */
  indexCacheFile?: string;
}

/** Where an experiment keeps its approximate cognition index between runs. */
export function indexCacheFileFor(experimentDir: string): string {
  return join(experimentDir, '.cognition-index', 'hnsw.usearch');
}

/** Token usage of the embedding calls a retriever made; undefined when not reported. */
export interface EmbeddingUsage {
  tokens: number | undefined;
}

/** Finds the cognition items relevant to a round. */
export interface CognitionRetriever {
  /** Key of this embedder's vectors in the source: `${provider}:${modelId}:${dimensions}`. */
  readonly embedderId: string;
  readonly embedder: Embedder;
  /**
   * Embed every item that has no vector for this embedder yet and save it in the source. An
   * item whose vector is refused (zero, or not finite) is reported in `refused`, not stored,
   * and not tried again until its text changes.
   */
  ensureEmbedded(options?: {
    abortSignal?: AbortSignal;
  }): Promise<{ embedded: number; usage: EmbeddingUsage; refused: RefusedItem[] }>;
  /**
   * One query per sampled node (its analysis, else its motivation; empty ones are skipped):
   * each query's `topK` items at or above the threshold, merged by id keeping the best score,
   * best first. Items added since the last call are embedded first.
   */
  retrieveForNodes(
    queries: string[],
    options?: { abortSignal?: AbortSignal },
  ): Promise<{
    items: ScoredCognitionItem[];
    usage: EmbeddingUsage;
    /** The highest similarity seen, under the threshold too; null when nothing was compared. */ bestScore:
      number | null;
  }>;
  /** The `k` items closest to a text, best first; no threshold unless one is given. */
  search(
    text: string,
    k?: number,
    options?: { threshold?: number; abortSignal?: AbortSignal },
  ): Promise<ScoredCognitionItem[]>;
  /** The `k` items closest to a vector of this embedder, best first; no threshold unless one is given. */
  searchByVector(
    vector: Float32Array,
    k: number,
    options?: { threshold?: number; abortSignal?: AbortSignal },
  ): Promise<ScoredCognitionItem[]>;
  /** What the retriever holds now: items, stored vectors, and which search it uses. */
  stats(): { items: number; vectors: number; search: 'exact' | 'approximate' };
}

interface Loaded {
  /** The source's revision this state matches; undefined = reload next time. */
  revision: number | undefined;
  items: CognitionItem[];
  byId: Map<string, CognitionItem>;
  vectors: Map<string, Float32Array>;
}

/** The text of an item that gets embedded: its title (unless the content starts with it), content and tags. */
export function cognitionItemText(item: Pick<CognitionItem, 'title' | 'content' | 'tags'>): string {
  const titleStem = item.title.replace(/…$/, '');
  const parts = item.content.startsWith(titleStem) ? [item.content] : [item.title, item.content];
  if (item.tags.length > 0) parts.push(item.tags.join(', '));
  return parts.join('\n\n');
}

/**
 * A retriever over a cognition source with one embedder. Embedding runs one at a time, so
 * concurrent rounds never embed the same item twice. With a source that has a revision, items
 * and vectors stay in memory between calls and the search index is updated incrementally.
 * @example
 * const retriever = createCognitionRetriever({ embedder: createLexicalEmbedder(), source, topK: 3, threshold: 0.08 });
 * const { items } = await retriever.retrieveForNodes(sampled.map((node) => node.analysis || node.motivation));
 */
export function createCognitionRetriever(options: CognitionRetrieverOptions): CognitionRetriever {
  const { embedder, source, topK, threshold } = options;
  const embedderId = embedderIdentity(embedder);
  const vectorSearch = createVectorSearch({
    ...(options.approximateAbove === undefined ? {} : { approximateAbove: options.approximateAbove }),
    ...(options.expansionSearch === undefined ? {} : { expansionSearch: options.expansionSearch }),
    ...(options.indexCacheFile === undefined ? {} : { cacheFile: options.indexCacheFile }),
  });
  /** Item id → the text whose vector was refused, so it is not embedded again while unchanged. */
  const refusedTexts = new Map<string, string>();
  let loaded: Loaded | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const serialised = <T>(task: () => Promise<T>): Promise<T> => {
    const next = queue.then(task, task);
    queue = next.catch(() => undefined);
    return next;
  };

  const load = async (): Promise<Loaded> => {
    const revision = source.revision ? await source.revision() : undefined;
    if (loaded !== undefined && revision !== undefined && loaded.revision === revision) return loaded;
    const items = await source.listCognitionItems();
    const byId = new Map(items.map((item) => [item.id, item]));
    const vectors = new Map<string, Float32Array>();
    // Vectors of items no longer in the source (a memory source keeps them) are left out.
    for (const [id, vector] of await source.getEmbeddings(embedderId)) if (byId.has(id)) vectors.set(id, vector);
    loaded = { revision, items, byId, vectors };
    return loaded;
  };

  const embedMissing = (abortSignal: AbortSignal | undefined) =>
    serialised(async () => {
      const state = await load();
      const missing = state.items.filter(
        (item) => !state.vectors.has(item.id) && refusedTexts.get(item.id) !== cognitionItemText(item),
      );
      const refused: RefusedItem[] = [];
      let tokens: number | undefined = missing.length === 0 ? undefined : 0;
      let writes = 0;
      try {
        for (let start = 0; start < missing.length; start += embedder.maxValuesPerCall) {
          const batch = missing.slice(start, start + embedder.maxValuesPerCall);
          const result = await embedder.embed({
            values: batch.map(cognitionItemText),
            ...(abortSignal ? { abortSignal } : {}),
          });
          for (const [index, item] of batch.entries()) {
            const checked = checkItemVector(embedder, embedderId, item, result.embeddings[index]);
            if ('refused' in checked) {
              refused.push(checked.refused);
              refusedTexts.set(item.id, cognitionItemText(item));
              continue;
            }
            await source.setEmbedding(item.id, embedderId, checked.vector);
            writes++;
            state.vectors.set(item.id, checked.vector);
            refusedTexts.delete(item.id);
          }
          tokens = addTokens(tokens, result.usage.tokens);
        }
      } finally {
        if (writes > 0 && state.revision !== undefined && source.revision) {
          // Our own writes keep the state current; anything else written meanwhile forces a reload.
          const after = await source.revision();
          state.revision = after === state.revision + writes ? after : undefined;
        }
      }
      vectorSearch.sync(state.vectors);
      return { state, embedded: missing.length - refused.length, refused, usage: { tokens } };
    });

  const collect = (state: Loaded, best: Map<string, number>): ScoredCognitionItem[] => {
    const items: ScoredCognitionItem[] = [];
    for (const [id, score] of best) {
      const item = state.byId.get(id);
      if (item !== undefined) items.push({ item, score });
    }
    items.sort((left, right) => right.score - left.score || (left.item.id < right.item.id ? -1 : 1));
    return items;
  };

  const rank = async (queries: string[], k: number, floor: number, abortSignal: AbortSignal | undefined) => {
    const texts = [...new Set(queries.map((query) => query.trim()).filter((query) => query.length > 0))];
    if (texts.length === 0 || k <= 0) return { items: [], usage: { tokens: undefined }, bestScore: null };
    const { state, usage: itemUsage } = await embedMissing(abortSignal);
    const { embeddings, usage } = await embedder.embed({ values: texts, ...(abortSignal ? { abortSignal } : {}) });
    const best = new Map<string, number>();
    // Searched without the floor, so that a run can say how close the items it did not retrieve came.
    let bestScore: number | null = null;
    for (const vector of embeddings) {
      for (const match of vectorSearch.search(vector, k, Number.NEGATIVE_INFINITY)) {
        bestScore = Math.max(bestScore ?? Number.NEGATIVE_INFINITY, match.score);
        if (match.score < floor) continue;
        if ((best.get(match.id) ?? Number.NEGATIVE_INFINITY) < match.score) best.set(match.id, match.score);
      }
    }
    return { items: collect(state, best), usage: { tokens: addTokens(itemUsage.tokens, usage.tokens) }, bestScore };
  };

  return {
    embedderId,
    embedder,
    ensureEmbedded: async (callOptions = {}) => {
      const { embedded, usage, refused } = await embedMissing(callOptions.abortSignal);
      return { embedded, usage, refused };
    },
    retrieveForNodes: (queries, callOptions = {}) => rank(queries, topK, threshold, callOptions.abortSignal),
    search: async (text, k = topK, callOptions = {}) =>
      (await rank([text], k, callOptions.threshold ?? Number.NEGATIVE_INFINITY, callOptions.abortSignal)).items,
    searchByVector: async (vector, k, callOptions = {}) => {
      const { state } = await embedMissing(callOptions.abortSignal);
      const best = new Map<string, number>();
      for (const match of vectorSearch.search(vector, k, callOptions.threshold ?? Number.NEGATIVE_INFINITY))
        best.set(match.id, match.score);
      return collect(state, best);
    },
    stats: () => ({ items: loaded?.items.length ?? 0, vectors: loaded?.vectors.size ?? 0, search: vectorSearch.kind }),
  };
}

function addTokens(total: number | undefined, more: number | undefined): number | undefined {
  if (total === undefined) return more;
  if (more === undefined) return total;
  return total + more;
}
