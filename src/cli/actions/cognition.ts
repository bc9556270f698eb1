import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createCognitionExtractor } from '../../agents/index.js';
import {
  classifyCandidates,
  createCognitionRetriever,
  indexCacheFileFor,
  createEmbedderFromConfig,
  createStoreCognitionSource,
  importCognitionPaths,
  ingestPapers,
  stableCognitionId,
  useEmbedder,
  type CognitionItem,
  type CognitionRetriever,
  type IngestEvent,
  retrievalThreshold,
} from '../../cognition/index.js';
import { loadConfig, type Config } from '../../config/index.js';
import { AsiEvolveError } from '../../errors.js';
import { importInitCognitionScript } from '../../importers/index.js';
import { createRoleModels } from '../../llm/index.js';
import { createRandom } from '../../random.js';
import { openStore, type Store } from '../../store/index.js';
import { listenForInterrupt } from '../interrupt.js';

type Write = (text: string) => void;

export interface CommonOptions {
  config?: string;
}

/**
 * The experiment's config and read-write store, for one cognition command. Only `ingest` calls
 * an LLM: the others need no API key, even when config.yaml names one as `${VAR}`.
 */
function openCognition(
  dir: string,
  options: CommonOptions,
  callsModel: boolean,
): { dir: string; config: Config; store: Store } {
  const absolute = resolve(dir);
  if (!existsSync(absolute) || !statSync(absolute).isDirectory()) {
    throw new AsiEvolveError('EXPERIMENT_MISSING_FILE', `experiment folder not found: ${absolute}`, {
      file: absolute,
      hint: 'Create one with `asi-evolve init DIR`.',
    });
  }
  const { config } = loadConfig({
    experimentDir: absolute,
    callsNoModel: !callsModel,
    ...(options.config === undefined ? {} : { configFile: options.config }),
  });
  return { dir: absolute, config, store: openStore(join(absolute, 'asi-evolve.db')) };
}

/** The configured embedder over the store, after recording it (a changed embedder drops the old vectors). */
async function openRetriever(dir: string, config: Config, store: Store, write: Write): Promise<CognitionRetriever> {
  const { embedder, notices } = await createEmbedderFromConfig(config.cognition, process.env, { baseDir: dir });
  for (const notice of notices) write(`${notice}\n`);
  const retriever = createCognitionRetriever({
    embedder,
    source: createStoreCognitionSource(store),
    topK: config.cognition.retrieval.top_k,
    threshold: retrievalThreshold(config.cognition),
    approximateAbove: config.cognition.index.approximate_above,
    expansionSearch: config.cognition.index.expansion_search,
    indexCacheFile: indexCacheFileFor(dir),
  });
  const change = useEmbedder(store, retriever.embedderId);
  if (change.changed)
    write(
      `Cognition embedder changed from ${change.previous} to ${retriever.embedderId}: ${change.dropped} old vectors dropped, items are re-embedded.\n`,
    );
  return retriever;
}

function oneLine(text: string, width = 100): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

async function withStore(
  dir: string,
  options: CommonOptions,
  work: (opened: { dir: string; config: Config; store: Store }) => Promise<void> | void,
  callsModel = false,
): Promise<void> {
  const opened = openCognition(dir, options, callsModel);
  try {
    await work(opened);
  } finally {
    opened.store.close();
  }
}

/** `cognition add DIR --content TEXT`: one item, refused when it duplicates a stored one (unless --force). */
export async function addCommand(
  dir: string,
  options: CommonOptions & { content: string; title?: string; source?: string; tags?: string; force?: boolean },
  write: Write,
): Promise<void> {
  const content = options.content.trim();
  if (content === '')
    throw new AsiEvolveError('COGNITION_INPUT_INVALID', 'the item has no content (--content is empty)');
  await withStore(dir, options, async ({ dir: absolute, config, store }) => {
    const title = options.title?.trim() || oneLine(content, 60);
    const tags = (options.tags ?? '')
      .split(',')
      .map((tag) => tag.trim())
      .filter((tag) => tag.length > 0);
    const item: CognitionItem = {
      id: stableCognitionId(title, content),
      title,
      content,
      source: options.source?.trim() || 'cli',
      tags,
      metadata: {},
    };
    if (!options.force) {
      try {
        const retriever = await openRetriever(absolute, config, store, write);
        const [verdict] = await classifyCandidates([item], {
          retriever,
          threshold: config.cognition.duplicate_threshold,
        });
        if (verdict?.status === 'duplicate') {
          write(
            `Not added: it duplicates [${verdict.of.id}] "${verdict.of.title}" (similarity ${verdict.score.toFixed(2)}); pass --force to add it anyway.\n`,
          );
          process.exitCode = 2;
          return;
        }
      } catch (error) {
        if (!AsiEvolveError.isInstance(error) || error.code !== 'LLM_CALL_FAILED') throw error;
        write(`Could not check for duplicates (${error.message}); adding it anyway.\n`);
      }
    }
    store.upsertCognitionItems([item]);
    write(`Added [${item.id}] "${item.title}" (source: ${item.source}).\n`);
  });
}

/** `cognition import DIR FILE...`: YAML/JSON/JSONL/Markdown; problems are named and skipped. */
export async function importCommand(dir: string, files: string[], options: CommonOptions, write: Write): Promise<void> {
  await withStore(dir, options, ({ store }) => {
    // A reference init_cognition.py is read, never run: its literal items are imported.
    const scripts = files.filter((file) => file.endsWith('.py'));
    const { items, problems } = importCognitionPaths(
      files.filter((file) => !file.endsWith('.py')).map((file) => resolve(file)),
    );
    for (const script of scripts) {
      const read = importInitCognitionScript(resolve(script));
      items.push(...read.items);
      problems.push(...read.problems);
    }
    for (const problem of problems)
      write(`skipped: ${problem.file}${problem.line ? `:${problem.line}` : ''}: ${problem.message}\n`);
    const written = items.length > 0 ? store.upsertCognitionItems(items) : 0;
    write(
      `Imported ${items.length} items (${written} new or changed, ${items.length - written} unchanged); ${store.countCognitionItems()} stored in all.\n`,
    );
    if (problems.length > 0) {
      write(`${problems.length} problem(s): the items above were skipped; everything else was stored.\n`);
      process.exitCode = 2;
    }
  });
}

function describeIngestEvent(event: IngestEvent): string | undefined {
  switch (event.type) {
    case 'paper-start':
      return undefined;
    case 'chunk-done':
      return event.chunks > 1 ? `    part ${event.chunk}/${event.chunks}: ${event.items} items\n` : undefined;
    case 'paper-done':
      return `[${event.position}/${event.total}] ${event.file}: "${event.title}", ${event.pages} pages → ${event.stored} items stored${event.duplicates ? `, ${event.duplicates} duplicates left out` : ''}\n`;
    case 'paper-skipped':
      return `[${event.position}/${event.total}] ${event.file}: ${event.reason === 'already-ingested' ? 'done before' : 'skipped'}: ${event.message}\n`;
    case 'problem':
      return `    problem: ${event.file}: ${event.message}\n`;
  }
}

/** `cognition ingest DIR --papers PATH...`: an LLM extracts items from papers; resumable. */
export async function ingestCommand(
  dir: string,
  options: CommonOptions & { papers: string[] },
  write: Write,
): Promise<void> {
  await withStore(
    dir,
    options,
    async ({ dir: absolute, config, store }) => {
      const spend = store.spendSummary();
      const models = createRoleModels(config, process.env, {
        random: createRandom(`ingest:${config.run.seed}`),
        onCall: (draft) => store.insertLlmCall({ ...draft, nodeId: null, step: null }),
        initialSpend: { usd: spend.totalUsd, tokens: spend.inputTokens + spend.outputTokens },
        baseDir: absolute,
      });
      const model = models.forRole('cognition_extraction');
      if (model === null) {
        throw new AsiEvolveError(
          'CONFIG_INVALID',
          'cognition ingest needs an LLM to read the papers, and none is configured',
          {
            key: 'api.model',
            hint: 'Set api.model (and api.base_url for a non-OpenAI endpoint), or roles.cognition_extraction, in config.yaml.',
          },
        );
      }
      const interrupt = listenForInterrupt({
        write,
        stopping:
          '\nInterrupted: finished papers are kept; run the same command again to resume (Ctrl-C again to stop at once).\n',
        // Each paper is stored in one transaction, so exiting now loses only the papers being read.
        forced: '\nStopped at once: the papers being read are dropped and will be read again on the next run.\n',
        abortReason: new AsiEvolveError('USAGE', 'ingestion interrupted'),
      });
      try {
        await models.prepare();
        const retriever = await openRetriever(absolute, config, store, write);
        write(`Ingesting with ${model.modelId}; embedder ${retriever.embedderId}.\n`);
        const taskFile = join(absolute, 'input.md');
        const summary = await ingestPapers({
          paths: options.papers.map((path) => resolve(path)),
          store,
          extractor: createCognitionExtractor({ model, maxRetries: config.cognition.ingest.max_retries }),
          retriever,
          duplicateThreshold: config.cognition.duplicate_threshold,
          chunkChars: config.cognition.ingest.chunk_chars,
          maxItemsPerPaper: config.cognition.ingest.max_items_per_paper,
          ...(existsSync(taskFile) ? { task: readFileSync(taskFile, 'utf8') } : {}),
          onEvent: (event) => {
            const line = describeIngestEvent(event);
            if (line) write(line);
          },
          abortSignal: interrupt.signal,
        });
        write(
          `Ingested ${summary.ingested.length} of ${summary.papers} papers (${summary.alreadyIngested} done before, ${summary.skipped.length} skipped): ${summary.stored} items stored, ${summary.duplicates} duplicates left out.\n`,
        );
        if (summary.skipped.length > 0 || summary.problems.length > 0) process.exitCode = 2;
      } catch (error) {
        if (interrupt.signal.aborted) {
          process.exitCode = 130;
          return;
        }
        throw error;
      } finally {
        interrupt.dispose();
        await models.close();
      }
    },
    true,
  );
}

/** `cognition search DIR QUERY`: the closest items with their scores. */
export async function searchCommand(
  dir: string,
  query: string,
  options: CommonOptions & { topK?: number; threshold?: number },
  write: Write,
): Promise<void> {
  await withStore(dir, options, async ({ dir: absolute, config, store }) => {
    const retriever = await openRetriever(absolute, config, store, write);
    const { refused } = await retriever.ensureEmbedded();
    for (const entry of refused) write(`skipped: ${entry.message}\n`);
    const topK = options.topK ?? Math.max(config.cognition.retrieval.top_k, 5);
    const found = await retriever.search(
      query,
      topK,
      options.threshold === undefined ? {} : { threshold: options.threshold },
    );
    const stats = retriever.stats();
    write(
      `${found.length} item(s) for "${oneLine(query, 60)}" (${stats.search} search over ${stats.vectors} items, ${retriever.embedderId}):\n`,
    );
    const runThreshold = retrievalThreshold(config.cognition);
    found.forEach(({ item, score }, index) => {
      const below = score < runThreshold ? `  (below the run's threshold ${runThreshold})` : '';
      write(
        `${String(index + 1).padStart(2)}. ${score.toFixed(3)}  [${item.id}] ${item.title} — ${item.source}${below}\n    ${oneLine(item.content)}\n`,
      );
    });
  });
}

/** `cognition list DIR`: one line per item. */
export async function listCommand(
  dir: string,
  options: CommonOptions & { source?: string },
  write: Write,
): Promise<void> {
  await withStore(dir, options, ({ store }) => {
    const needle = options.source?.toLowerCase();
    const items = store
      .listCognitionItems()
      .filter((item) => needle === undefined || item.source.toLowerCase().includes(needle));
    for (const item of items) write(`[${item.id}] ${oneLine(item.title, 70)} — ${oneLine(item.source, 60)}\n`);
    const papers = store.listIngestedPapers().length;
    write(
      `${items.length} item(s)${needle === undefined ? '' : ` from sources matching "${options.source}"`}; ${papers} paper(s) ingested.\n`,
    );
  });
}

/** `cognition show DIR ID`: an item in full, with the nodes that were shown it. */
export async function showCommand(dir: string, id: string, options: CommonOptions, write: Write): Promise<void> {
  await withStore(dir, options, ({ store }) => {
    const item = store.getCognitionItem(id);
    if (item === undefined)
      throw new AsiEvolveError('USAGE', `no cognition item "${id}"`, {
        hint: 'List the ids with `asi-evolve cognition list DIR`.',
      });
    const seenBy = store
      .listNodes()
      .filter((node) => node.cognitionIds.includes(id))
      .map((node) => node.id);
    write(`[${item.id}] ${item.title}\nSource: ${item.source}\nTags: ${item.tags.join(', ') || 'none'}\n`);
    if (Object.keys(item.metadata).length > 0) write(`Metadata: ${JSON.stringify(item.metadata)}\n`);
    write(`Shown to nodes: ${seenBy.join(', ') || 'none yet'}\n\n${item.content}\n`);
  });
}

/** `cognition remove DIR ID...`: removes items and their vectors. */
export async function removeCommand(dir: string, ids: string[], options: CommonOptions, write: Write): Promise<void> {
  await withStore(dir, options, ({ store }) => {
    for (const id of ids) {
      if (store.removeCognitionItem(id)) {
        write(`Removed ${id}.\n`);
      } else {
        write(`No cognition item "${id}"; nothing removed.\n`);
        process.exitCode = 2;
      }
    }
  });
}
