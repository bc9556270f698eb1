import { AsiEvolveError } from '../errors.js';
import type { Embedder } from './embedders/embedder.js';
import { embedderIdentity } from './embedders/identity.js';
import type { CognitionItem, ScoredCognitionItem } from './item.js';
import type { CognitionSource } from './source.js';
import { searchExact } from './vector-index.js';

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
}

/** Token usage of the embedding calls a retriever made; undefined when not reported. */
export interface EmbeddingUsage {
  tokens: number | undefined;
}

/** Finds the cognition items relevant to a round. */
export interface CognitionRetriever {
  /** Key of this embedder's vectors in the source: `${provider}:${modelId}:${dimensions}`. */
  readonly embedderId: string;
  /** Embed every item that has no vector for this embedder yet and save it in the source. */
  ensureEmbedded(options?: { abortSignal?: AbortSignal }): Promise<{ embedded: number; usage: EmbeddingUsage }>;
  /**
   * One query per sampled node (its analysis, else its motivation; empty ones are skipped):
   * each query's `topK` items at or above the threshold, merged by id keeping the best score,
   * best first. Items added since the last call are embedded first.
   */
  retrieveForNodes(queries: string[], options?: { abortSignal?: AbortSignal }): Promise<{ items: ScoredCognitionItem[]; usage: EmbeddingUsage }>;
  /** The `k` items closest to a text, best first; no threshold unless one is given. */
  search(text: string, k?: number, options?: { threshold?: number; abortSignal?: AbortSignal }): Promise<ScoredCognitionItem[]>;
}

interface EmbeddedState {
  items: CognitionItem[];
  vectors: Map<string, Float32Array>;
  embedded: number;
  usage: EmbeddingUsage;
}

/** The text of an item that gets embedded: its title (unless the content starts with it), content and tags. */
export function cognitionItemText(item: CognitionItem): string {
  const titleStem = item.title.replace(/…$/, '');
  const parts = item.content.startsWith(titleStem) ? [item.content] : [item.title, item.content];
  if (item.tags.length > 0) parts.push(item.tags.join(', '));
  return parts.join('\n\n');
}

/**
 * A retriever over a cognition source with one embedder. Embedding runs one at a time, so
 * concurrent rounds never embed the same item twice.
 * @example
 * const retriever = createCognitionRetriever({ embedder: createLexicalEmbedder(), source: store, topK: 3, threshold: 0.08 });
 * const { items } = await retriever.retrieveForNodes(sampled.map((node) => node.analysis || node.motivation));
 */
export function createCognitionRetriever(options: CognitionRetrieverOptions): CognitionRetriever {
  const { embedder, source, topK, threshold } = options;
  const embedderId = embedderIdentity(embedder);
  const isRemote = embedder.provider !== 'builtin';
  let queue: Promise<unknown> = Promise.resolve();

  const serialised = <T>(task: () => Promise<T>): Promise<T> => {
    const next = queue.then(task, task);
    queue = next.catch(() => undefined);
    return next;
  };

  const checkVector = (item: CognitionItem, vector: Float32Array | undefined): Float32Array => {
    const fail = (what: string) =>
      new AsiEvolveError('LLM_RESPONSE_INVALID', `Embedder ${embedderId} ${what} for cognition item "${item.id}" ("${item.title}")`, { key: item.id });
    if (vector === undefined) throw fail('returned no vector');
    if (embedder.dimensions > 0 && vector.length !== embedder.dimensions) {
      throw fail(`returned ${vector.length} dimensions instead of ${embedder.dimensions}`);
    }
    let squares = 0;
    for (const value of vector) squares += value * value;
    if (!Number.isFinite(squares)) throw fail('returned a vector with non-finite values');
    if (squares === 0 && isRemote) throw fail('returned a zero vector');
    return vector;
  };

  const embedMissing = (abortSignal: AbortSignal | undefined): Promise<EmbeddedState> =>
    serialised(async () => {
      const items = await source.listCognitionItems();
      const stored = await source.getEmbeddings(embedderId);
      const missing = items.filter((item) => !stored.has(item.id));
      let tokens: number | undefined = missing.length === 0 ? undefined : 0;
      for (let start = 0; start < missing.length; start += embedder.maxValuesPerCall) {
        const batch = missing.slice(start, start + embedder.maxValuesPerCall);
        const result = await embedder.embed({ values: batch.map(cognitionItemText), ...(abortSignal ? { abortSignal } : {}) });
        for (const [index, item] of batch.entries()) {
          const vector = checkVector(item, result.embeddings[index]);
          await source.setEmbedding(item.id, embedderId, vector);
          stored.set(item.id, vector);
        }
        tokens = addTokens(tokens, result.usage.tokens);
      }
      const vectors = new Map<string, Float32Array>();
      for (const item of items) {
        const vector = stored.get(item.id);
        if (vector !== undefined) vectors.set(item.id, vector);
      }
      return { items, vectors, embedded: missing.length, usage: { tokens } };
    });

  const rank = async (queries: string[], k: number, floor: number, abortSignal: AbortSignal | undefined) => {
    const texts = [...new Set(queries.map((query) => query.trim()).filter((query) => query.length > 0))];
    if (texts.length === 0 || k <= 0) return { items: [], usage: { tokens: undefined } };
    const state = await embedMissing(abortSignal);
    const { embeddings, usage } = await embedder.embed({ values: texts, ...(abortSignal ? { abortSignal } : {}) });
    const best = new Map<string, number>();
    for (const vector of embeddings) {
      for (const match of searchExact(vector, state.vectors, k, floor)) {
        if ((best.get(match.id) ?? Number.NEGATIVE_INFINITY) < match.score) best.set(match.id, match.score);
      }
    }
    const byId = new Map(state.items.map((item) => [item.id, item]));
    const items: ScoredCognitionItem[] = [];
    for (const [id, score] of best) {
      const item = byId.get(id);
      if (item !== undefined) items.push({ item, score });
    }
    items.sort((left, right) => right.score - left.score || (left.item.id < right.item.id ? -1 : 1));
    return { items, usage: { tokens: addTokens(state.usage.tokens, usage.tokens) } };
  };

  return {
    embedderId,
    ensureEmbedded: async (callOptions = {}) => {
      const state = await embedMissing(callOptions.abortSignal);
      return { embedded: state.embedded, usage: state.usage };
    },
    retrieveForNodes: (queries, callOptions = {}) => rank(queries, topK, threshold, callOptions.abortSignal),
    search: async (text, k = topK, callOptions = {}) =>
      (await rank([text], k, callOptions.threshold ?? Number.NEGATIVE_INFINITY, callOptions.abortSignal)).items,
  };
}

function addTokens(total: number | undefined, more: number | undefined): number | undefined {
  if (total === undefined) return more;
  if (more === undefined) return total;
  return total + more;
}
