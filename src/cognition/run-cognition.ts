import type { Config } from '../config/index.js';
import type { Store } from '../store/index.js';
import { useEmbedder } from './embedder-switch.js';
import { createEmptyRetrievalWatch } from './empty-retrieval.js';
import {
  createEmbedderFromConfig,
  retrievalThreshold,
  type EmbedderFromConfigOptions,
} from './embedders/from-config.js';
import { recordFoundItems, type FoundItemsResult, type ProposedCognitionItem } from './growth.js';
import { importCognitionPaths } from './ingest/index.js';
import type { CognitionItem } from './item.js';
import { createCognitionRetriever, indexCacheFileFor, type CognitionRetriever } from './retrieve.js';
import { createStoreCognitionSource } from './store-source.js';

/** The cognition parts of a run. */
export interface RunCognition {
  /** Null when there is nothing to retrieve and growth is off. */
  retriever: CognitionRetriever | null;
  /** Items for the sampled nodes' queries (analysis, else motivation), or null: no cognition this run. */
  retrieve: ((queries: string[]) => Promise<CognitionItem[]>) | null;
  /** Stores what a round's Analyzer proposed, as found by the run; null when `cognition.growth` is off. */
  recordFound:
    ((nodeId: number, step: number, proposals: readonly ProposedCognitionItem[]) => Promise<FoundItemsResult>) | null;
  /** Lines worth telling the user before round 1. */
  notices: string[];
}

/** What the run's cognition is prepared from. */
export interface PrepareRunCognitionOptions extends EmbedderFromConfigOptions {
  cognition: Config['cognition'];
  /** The experiment's seed files (re-imported at every start; unchanged items stay as they are). */
  seedFiles: readonly string[];
  /** Told, once, when the first retrievals all find nothing although items are stored. */
  notify?: (message: string) => void;
  store: Pick<
    Store,
    | 'upsertCognitionItems'
    | 'countCognitionItems'
    | 'listCognitionItems'
    | 'getEmbeddings'
    | 'setEmbedding'
    | 'cognitionRevision'
    | 'getMeta'
    | 'setMeta'
    | 'deleteEmbeddingsExcept'
  >;
  env: NodeJS.ProcessEnv;
}

/**
 * Prepares a run's cognition from config: imports the seed files (problems become notices,
 * naming file and line), builds the configured embedder, re-embeds after an embedder change,
 * embeds what is missing (an unreachable embeddings server is a notice: each round then records
 * its retrieval error and goes on), and returns the round's `retrieve` and, with growth on,
 * `recordFound`. A misconfigured embedder (no key, missing package) throws before round 1.
 * @example
 * const cognition = await prepareRunCognition({ cognition: config.cognition, seedFiles: experiment.cognitionFiles, store, env, baseDir: experiment.dir });
 */
export async function prepareRunCognition(options: PrepareRunCognitionOptions): Promise<RunCognition> {
  const { cognition, store } = options;
  const notices: string[] = [];
  if (options.seedFiles.length > 0) {
    const { items, problems } = importCognitionPaths([...options.seedFiles]);
    for (const problem of problems)
      notices.push(`cognition: ${problem.file}${problem.line ? `:${problem.line}` : ''}: ${problem.message}`);
    if (items.length > 0) store.upsertCognitionItems(items);
  }
  const growth = cognition.growth.enabled && cognition.growth.max_per_round > 0;
  if (store.countCognitionItems() === 0 && !growth)
    return { retriever: null, retrieve: null, recordFound: null, notices };

  const {
    embedder,
    description,
    notices: embedderNotices,
  } = await createEmbedderFromConfig(cognition, options.env, {
    ...(options.baseDir === undefined ? {} : { baseDir: options.baseDir }),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.importModule ? { importModule: options.importModule } : {}),
  });
  notices.push(...embedderNotices);
  const retriever = createCognitionRetriever({
    embedder,
    source: createStoreCognitionSource(store),
    topK: cognition.retrieval.top_k,
    threshold: retrievalThreshold(cognition),
    approximateAbove: cognition.index.approximate_above,
    expansionSearch: cognition.index.expansion_search,
    ...(options.baseDir === undefined ? {} : { indexCacheFile: indexCacheFileFor(options.baseDir) }),
  });
  const change = useEmbedder(store, retriever.embedderId);
  if (change.changed)
    notices.push(
      `Cognition embedder changed from ${change.previous} to ${retriever.embedderId}: ${change.dropped} old vectors dropped; items are re-embedded.`,
    );
  try {
    const { embedded, refused } = await retriever.ensureEmbedded();
    for (const entry of refused) notices.push(`cognition: ${entry.message}`);
    if (embedded > 0) notices.push(`Cognition: embedded ${embedded} items with ${description}.`);
  } catch (error) {
    notices.push(
      `cognition: embedding the items failed (${error instanceof Error ? error.message : String(error)}); each round retries and records the error.`,
    );
  }
  const stats = retriever.stats();
  const emptyRetrievals = options.notify
    ? createEmptyRetrievalWatch({
        threshold: retrievalThreshold(cognition),
        thresholdConfigured: cognition.retrieval.score_threshold !== undefined,
        notify: options.notify,
      })
    : null;
  notices.push(
    `Cognition: ${store.countCognitionItems()} items, ${description}, ${stats.search} search; top ${cognition.retrieval.top_k} per sampled node at or above ${retrievalThreshold(cognition)}${growth ? `; growth on (at most ${cognition.growth.max_per_round} new items per round)` : ''}.`,
  );
  return {
    retriever,
    retrieve: async (queries) => {
      const result = await retriever.retrieveForNodes(queries);
      emptyRetrievals?.observe(result.items.length, result.bestScore, retriever.stats().items);
      return result.items.map((entry) => entry.item);
    },
    recordFound: growth
      ? (nodeId, step, proposals) =>
          recordFoundItems(store, nodeId, proposals, {
            maxPerRound: cognition.growth.max_per_round,
            duplicateThreshold: cognition.duplicate_threshold,
            retriever,
            step,
          })
      : null,
    notices,
  };
}
