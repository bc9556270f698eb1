import type { CognitionItem } from './item.js';
import type { CognitionRetriever } from './retrieve.js';
import { cognitionItemText } from './retrieve.js';
import { searchExact } from './vector-index.js';

/** Why a candidate item was left out. */
export type CandidateVerdict =
  | { status: 'new' }
  | { status: 'duplicate'; of: { id: string; title: string; source: string }; score: number }
  | { status: 'refused'; message: string };

/**
 * Sorts candidate items into new ones and duplicates: a candidate is a duplicate when a stored
 * item's cosine similarity reaches `threshold` (an identical item scores 1), or when an earlier
 * candidate of the same call has its id or is that close. A candidate the embedder gives a
 * zero vector (no usable words) is refused. Candidates are embedded in one call; an embedder
 * failure throws, and nothing is stored by this function.
 * @example
 * const verdicts = await classifyCandidates(items, { retriever, threshold: 0.8 });
 */
export async function classifyCandidates(
  candidates: readonly CognitionItem[],
  options: { retriever: CognitionRetriever; threshold: number; abortSignal?: AbortSignal },
): Promise<CandidateVerdict[]> {
  const { retriever, threshold } = options;
  if (candidates.length === 0) return [];
  const signal = options.abortSignal ? { abortSignal: options.abortSignal } : {};
  const { embeddings } = await retriever.embedder.embed({ values: candidates.map(cognitionItemText), ...signal });
  const accepted = new Map<string, Float32Array>();
  const acceptedItems = new Map<string, CognitionItem>();
  const verdicts: CandidateVerdict[] = [];
  for (const [index, candidate] of candidates.entries()) {
    const vector = embeddings[index];
    if (vector === undefined || !vector.some((value) => value !== 0)) {
      verdicts.push({
        status: 'refused',
        message: `item "${candidate.title}" has no words the embedder can use; skipped`,
      });
      continue;
    }
    const sameId = acceptedItems.get(candidate.id);
    if (sameId !== undefined) {
      verdicts.push({
        status: 'duplicate',
        of: { id: sameId.id, title: sameId.title, source: sameId.source },
        score: 1,
      });
      continue;
    }
    const [storedMatch] = await retriever.searchByVector(vector, 1, { threshold, ...signal });
    const [batchMatch] = searchExact(vector, accepted, 1, threshold);
    const batchItem = batchMatch ? acceptedItems.get(batchMatch.id) : undefined;
    if (storedMatch !== undefined && (batchMatch === undefined || storedMatch.score >= batchMatch.score)) {
      const { id, title, source } = storedMatch.item;
      verdicts.push({ status: 'duplicate', of: { id, title, source }, score: storedMatch.score });
    } else if (batchMatch !== undefined && batchItem !== undefined) {
      verdicts.push({
        status: 'duplicate',
        of: { id: batchItem.id, title: batchItem.title, source: batchItem.source },
        score: batchMatch.score,
      });
    } else {
      accepted.set(candidate.id, vector);
      acceptedItems.set(candidate.id, candidate);
      verdicts.push({ status: 'new' });
    }
  }
  return verdicts;
}
