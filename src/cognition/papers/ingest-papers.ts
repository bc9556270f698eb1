import { basename } from 'node:path';
import { isFatal } from '../../llm/index.js';
import type { IngestedPaper, Store } from '../../store/index.js';
import { classifyCandidates } from '../dedupe.js';
import { stableCognitionId } from '../ingest/index.js';
import type { CognitionItem } from '../item.js';
import type { CognitionRetriever } from '../retrieve.js';
import { chunkPages } from './chunk.js';
import { findPaperFiles } from './find-papers.js';
import { readPaper } from './read-paper.js';
import type { ExtractedItem, PaperExtractor, PaperText } from './types.js';

/** What ingestion needs of the store. */
export type IngestStore = Pick<Store, 'getIngestedPaper' | 'completeIngestedPaper'>;

/** Progress of an ingestion, one event at a time (the library never prints). */
export type IngestEvent =
  | { type: 'paper-start'; position: number; total: number; file: string }
  | { type: 'chunk-done'; file: string; chunk: number; chunks: number; items: number }
  | {
      type: 'paper-done';
      position: number;
      total: number;
      file: string;
      title: string;
      pages: number;
      stored: number;
      duplicates: number;
    }
  | {
      type: 'paper-skipped';
      position: number;
      total: number;
      file: string;
      reason: 'already-ingested' | 'unreadable' | 'failed';
      message: string;
    }
  | { type: 'problem'; file: string; message: string };

/** How to ingest. */
export interface IngestPapersOptions {
  /** Files and folders holding PDF, text or Markdown papers. */
  paths: readonly string[];
  store: IngestStore;
  extractor: PaperExtractor;
  /** Over the store, with the configured embedder: judges duplicates. */
  retriever: CognitionRetriever;
  duplicateThreshold: number;
  chunkChars: number;
  maxItemsPerPaper: number;
  task?: string;
  onEvent?: (event: IngestEvent) => void;
  abortSignal?: AbortSignal;
}

/** The outcome of an ingestion. */
export interface IngestSummary {
  papers: number;
  ingested: IngestedPaper[];
  alreadyIngested: number;
  /** Papers skipped for bad input or a failure, with why. */
  skipped: Array<{ file: string; message: string }>;
  /** Problems that skipped less than a paper (an item without content, a path that is not a paper). */
  problems: Array<{ file: string; message: string }>;
  stored: number;
  duplicates: number;
}

/** Errors that stop the whole ingestion instead of one paper: a refused key, a reached budget, an abort. */
function stopsEverything(error: unknown, abortSignal: AbortSignal | undefined): boolean {
  return abortSignal?.aborted === true || isFatal(error);
}

function toItem(paper: PaperText, extracted: ExtractedItem, modelId: string): CognitionItem {
  const where = extracted.page === undefined ? '' : `, p. ${extracted.page}`;
  return {
    id: stableCognitionId(extracted.title, extracted.content),
    title: extracted.title,
    content: extracted.content,
    source: `${paper.title}${where}`,
    tags: [extracted.kind],
    metadata: {
      kind: extracted.kind,
      paper: basename(paper.file),
      paperTitle: paper.title,
      page: extracted.page ?? null,
      contentHash: paper.contentHash,
      extractedBy: modelId,
    },
  };
}

/**
 * Ingests papers into the cognition base: each paper is read (PDF, text, Markdown), cut into
 * chunks of pages, and an LLM extracts the heuristics, pitfalls and design principles it offers,
 * each with its source and page. Items that duplicate stored ones (or each other) are left out;
 * the rest and the paper's "done" mark are stored in one transaction, so an interrupted ingest
 * resumes without redoing finished papers and never half-stores one. Bad input (an encrypted,
 * scanned or corrupt PDF, an item without content) and per-paper failures (an LLM out of
 * retries, the embeddings server down) are reported and skipped; a refused key, a reached
 * budget or an abort stop everything and throw.
 * @example
 * const summary = await ingestPapers({ paths: ['papers/'], store, extractor, retriever, duplicateThreshold: 0.8, chunkChars: 12_000, maxItemsPerPaper: 8, onEvent: print });
 */
export async function ingestPapers(options: IngestPapersOptions): Promise<IngestSummary> {
  const { store, extractor, retriever, abortSignal } = options;
  const emit = options.onEvent ?? (() => undefined);
  const found = findPaperFiles(options.paths);
  const summary: IngestSummary = {
    papers: found.files.length,
    ingested: [],
    alreadyIngested: 0,
    skipped: [],
    problems: [...found.problems],
    stored: 0,
    duplicates: 0,
  };
  for (const problem of found.problems) emit({ type: 'problem', ...problem });
  const total = found.files.length;

  for (const [index, file] of found.files.entries()) {
    abortSignal?.throwIfAborted();
    const position = index + 1;
    emit({ type: 'paper-start', position, total, file });
    const skip = (reason: 'unreadable' | 'failed', message: string): void => {
      summary.skipped.push({ file, message });
      emit({ type: 'paper-skipped', position, total, file, reason, message });
    };
    const read = await readPaper(file);
    if ('problem' in read) {
      skip('unreadable', read.problem);
      continue;
    }
    const paper = read.paper;
    const done = store.getIngestedPaper(paper.contentHash);
    if (done !== undefined) {
      summary.alreadyIngested++;
      emit({
        type: 'paper-skipped',
        position,
        total,
        file,
        reason: 'already-ingested',
        message: `already ingested on ${done.completedAt} (${done.itemIds.length} items)`,
      });
      continue;
    }
    try {
      const chunks = chunkPages(paper.pages, options.chunkChars);
      const extracted: ExtractedItem[] = [];
      for (const chunk of chunks) {
        const result = await extractor.extract({
          paperTitle: paper.title,
          chunk,
          chunks: chunks.length,
          maxItems: options.maxItemsPerPaper,
          ...(options.task === undefined ? {} : { task: options.task }),
          ...(abortSignal ? { abortSignal } : {}),
        });
        for (const message of result.problems) {
          summary.problems.push({ file, message });
          emit({ type: 'problem', file, message });
        }
        extracted.push(...result.items);
        emit({ type: 'chunk-done', file, chunk: chunk.index + 1, chunks: chunks.length, items: result.items.length });
      }
      const candidates = extracted.map((item) => toItem(paper, item, extractor.modelId));
      const verdicts = await classifyCandidates(candidates, {
        retriever,
        threshold: options.duplicateThreshold,
        ...(abortSignal ? { abortSignal } : {}),
      });
      const items: CognitionItem[] = [];
      let duplicates = 0;
      for (const [position, candidate] of candidates.entries()) {
        const verdict = verdicts[position];
        if (verdict?.status === 'duplicate') duplicates++;
        else if (verdict?.status === 'refused') summary.problems.push({ file, message: verdict.message });
        else if (items.length < options.maxItemsPerPaper) items.push(candidate);
      }
      abortSignal?.throwIfAborted();
      const record = store.completeIngestedPaper(
        {
          contentHash: paper.contentHash,
          path: file,
          title: paper.title,
          pages: paper.pages.length,
          itemIds: items.map((item) => item.id),
          duplicates,
          modelId: extractor.modelId,
        },
        items,
      );
      summary.ingested.push(record);
      summary.stored += items.length;
      summary.duplicates += duplicates;
      emit({
        type: 'paper-done',
        position,
        total,
        file,
        title: paper.title,
        pages: paper.pages.length,
        stored: items.length,
        duplicates,
      });
    } catch (error) {
      if (stopsEverything(error, abortSignal)) throw error;
      skip('failed', error instanceof Error ? error.message : String(error));
    }
  }
  return summary;
}
