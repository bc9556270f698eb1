import type { Store } from '../store/index.js';
import { classifyCandidates } from './dedupe.js';
import { stableCognitionId } from './ingest/index.js';
import type { CognitionItem } from './item.js';
import type { CognitionRetriever } from './retrieve.js';

/** An item the Analyzer proposed from what a round revealed. */
export interface ProposedCognitionItem {
  title: string;
  content: string;
  tags?: string[];
}

/** Tag every item found by a run carries. */
export const foundByRunTag = 'found-by-run';

/** How found items are checked before they are stored. */
export interface RecordFoundItemsOptions {
  /** At most this many items are stored per round (`cognition.growth.max_per_round`). */
  maxPerRound: number;
  /** Similarity at which a proposal duplicates a stored item (`cognition.duplicate_threshold`). */
  duplicateThreshold: number;
  /** The run's retriever: its embedder and vectors judge similarity. */
  retriever: CognitionRetriever;
  /** The round that found them, kept in the metadata. */
  step?: number;
  abortSignal?: AbortSignal;
}

/** What became of the proposals. */
export interface FoundItemsResult {
  stored: CognitionItem[];
  skipped: Array<{ title: string; reason: string }>;
}

/**
 * Stores the items a round's Analyzer proposed, marked as found by the run (`source:
 * run:<node id>`, tag `found-by-run`, metadata `{ foundBy: 'run', nodeId, step }`). Proposals
 * without content, duplicates of stored items (or of each other) and those beyond
 * `maxPerRound` are skipped with their reason. An embedder failure throws before anything is
 * stored.
 * @example
 * const { stored, skipped } = await recordFoundItems(store, node.id, proposals, { maxPerRound: 2, duplicateThreshold: 0.8, retriever });
 */
export async function recordFoundItems(
  store: Pick<Store, 'upsertCognitionItems'>,
  nodeId: number,
  proposals: readonly ProposedCognitionItem[],
  options: RecordFoundItemsOptions,
): Promise<FoundItemsResult> {
  const skipped: FoundItemsResult['skipped'] = [];
  const candidates: CognitionItem[] = [];
  for (const proposal of proposals) {
    const title = proposal.title.trim();
    const content = proposal.content.trim();
    if (content.length === 0) {
      skipped.push({ title: title || '(untitled)', reason: 'has no content' });
      continue;
    }
    const tags = [
      foundByRunTag,
      ...(proposal.tags ?? []).map((tag) => tag.trim()).filter((tag) => tag.length > 0 && tag !== foundByRunTag),
    ];
    candidates.push({
      id: stableCognitionId(title, content),
      title: title || content.slice(0, 60),
      content,
      source: `run:${nodeId}`,
      tags,
      metadata: { foundBy: 'run', nodeId, ...(options.step === undefined ? {} : { step: options.step }) },
    });
  }
  const verdicts = await classifyCandidates(candidates, {
    retriever: options.retriever,
    threshold: options.duplicateThreshold,
    ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
  });
  const stored: CognitionItem[] = [];
  for (const [index, candidate] of candidates.entries()) {
    const verdict = verdicts[index];
    if (verdict?.status === 'duplicate') {
      skipped.push({
        title: candidate.title,
        reason: `duplicates "${verdict.of.title}" (${verdict.of.id}, similarity ${verdict.score.toFixed(2)})`,
      });
    } else if (verdict?.status === 'refused') {
      skipped.push({ title: candidate.title, reason: verdict.message });
    } else if (stored.length >= options.maxPerRound) {
      skipped.push({
        title: candidate.title,
        reason: `over the limit of ${options.maxPerRound} per round (cognition.growth.max_per_round)`,
      });
    } else {
      stored.push(candidate);
    }
  }
  if (stored.length > 0) store.upsertCognitionItems(stored);
  return { stored, skipped };
}
