import { createLexicalEmbedder, type Embedder } from '../../cognition/index.js';
import { AsiEvolveError } from '../../errors.js';
import type {
  NearestNode,
  NoveltyCandidate,
  NoveltyCompare,
  NoveltyField,
  NoveltyJudge,
  NoveltyJudgeNote,
  NoveltyProposal,
  NoveltyVerdict,
} from './novelty-types.js';
import { cosine, jaccard, normaliseMotivation, normaliseProgram, programShingles, textHash } from './similarity.js';

/** Options of {@link createNoveltyGate} (`pipeline.novelty`). */
export interface NoveltyGateOptions {
  /** A proposal at least this similar (0–1) to a stored node is a near-duplicate. */
  threshold: number;
  /** Which texts are compared; identical programs are near-duplicates whatever this says. */
  compare: NoveltyCompare;
  /** Embeds motivations. @default the built-in lexical embedder */
  embedder?: Embedder;
  /** How many of the most recent nodes (highest ids) enter the similarity window. @default 200 */
  recent?: number;
  /** How many of the best-scored nodes enter the similarity window. @default 50 */
  top?: number;
  /** Decides similarities inside `judgeBand` instead of the threshold. */
  judge?: NoveltyJudge;
  /** [low, high]: similarities in this range (and below 1) go to `judge`. @default [0.85, 0.95] */
  judgeBand?: readonly [number, number];
}

/** Checks proposals against stored nodes before they are evaluated. */
export interface NoveltyGate {
  readonly threshold: number;
  readonly compare: NoveltyCompare;
  check(
    proposal: NoveltyProposal,
    existing: readonly NoveltyCandidate[],
    options?: { abortSignal?: AbortSignal },
  ): Promise<NoveltyVerdict>;
}

interface Fingerprint {
  readonly candidate: NoveltyCandidate;
  programHash: string | null;
  motivationHash: string | null;
  shingles?: Set<number>;
  vector?: Float32Array;
}

function expectRange(valid: boolean, key: string, expected: string, value: unknown): void {
  if (valid) return;
  throw new AsiEvolveError('CONFIG_INVALID', `Expected \`${key}\` to be ${expected}, got ${JSON.stringify(value)}`, {
    key,
  });
}

const isUnit = (value: number): boolean => Number.isFinite(value) && value >= 0 && value <= 1;

function fingerprintOf(candidate: NoveltyCandidate, motivations: boolean): Fingerprint {
  const program = normaliseProgram(candidate.program);
  const motivation = motivations ? normaliseMotivation(candidate.motivation) : '';
  return {
    candidate,
    programHash: program === '' ? null : textHash(program),
    motivationHash: motivation === '' ? null : textHash(motivation),
  };
}

/**
 * The best `k` entries under `before` (true when the first ranks first), best first, in one pass.
 * Walks the entries from the end: populations come in id order, so the newest are met first and
 * most later entries are turned away by one comparison.
 */
function best<T>(
  entries: readonly T[],
  k: number,
  before: (left: T, right: T) => boolean,
  include: (entry: T) => boolean = () => true,
): T[] {
  const buffer: T[] = [];
  if (k <= 0) return buffer;
  for (let position = entries.length - 1; position >= 0; position--) {
    const entry = entries[position] as T;
    if (!include(entry)) continue;
    if (buffer.length === k && !before(entry, buffer[k - 1] as T)) continue;
    let index = buffer.length;
    while (index > 0 && before(entry, buffer[index - 1] as T)) index--;
    buffer.splice(index, 0, entry);
    if (buffer.length > k) buffer.pop();
  }
  return buffer;
}

const hasScore = (entry: Fingerprint): boolean =>
  typeof entry.candidate.score === 'number' && Number.isFinite(entry.candidate.score);

/** The window: the `recent` highest ids and the `top` best scores, in id order, without repeats. O(N) for a small window. */
function similarityWindow(fingerprints: readonly Fingerprint[], recent: number, top: number): Fingerprint[] {
  const chosen = new Set(best(fingerprints, recent, (left, right) => left.candidate.id > right.candidate.id));
  const scoreBefore = (left: Fingerprint, right: Fingerprint): boolean => {
    const difference = (left.candidate.score as number) - (right.candidate.score as number);
    return difference !== 0 ? difference > 0 : left.candidate.id < right.candidate.id;
  };
  for (const entry of best(fingerprints, top, scoreBefore, hasScore)) chosen.add(entry);
  return [...chosen].sort((left, right) => left.candidate.id - right.candidate.id);
}

async function embedAll(
  embedder: Embedder,
  texts: string[],
  abortSignal: AbortSignal | undefined,
): Promise<Float32Array[]> {
  const vectors: Float32Array[] = [];
  const batch = Math.max(1, Math.min(texts.length, embedder.maxValuesPerCall));
  for (let start = 0; start < texts.length; start += batch) {
    const values = texts.slice(start, start + batch);
    const { embeddings } = await embedder.embed({ values, ...(abortSignal ? { abortSignal } : {}) });
    vectors.push(...embeddings);
  }
  return vectors;
}

function closer(similarity: number, id: number, field: NoveltyField, best: NearestNode | null): NearestNode | null {
  if (best === null || similarity > best.similarity) return { id, similarity, field };
  return best;
}

/**
 * The novelty gate (docs/architecture.md, “One round”): is a designed candidate a near-duplicate of a stored
 * node? Checked before the costly evaluation; the loop sends a rejected proposal back to the
 * designer (see `designWithNoveltyGate`).
 *
 * - **Exact duplicates**, over every node in `existing`: an identical program after collapsing
 *   whitespace is always a near-duplicate (similarity 1, field `program`), whatever `compare`
 *   says; with motivations compared, so is an identical motivation (case and spacing ignored).
 *   SHA-1 fingerprints are kept by id, so each node's texts are read and hashed once.
 * - **Similarity**, over a window of the `recent` newest nodes plus the `top` best-scored ones
 *   (250 at most by default), which keeps a check cheap at 10k+ nodes:
 *   - programs: Jaccard similarity of the sets of 4-token shingles (identifiers, numbers and
 *     punctuation; whitespace and layout ignored). Identical programs score 1; changing one
 *     constant of a 700-token program still scores about 0.98, so a threshold on programs
 *     catches copies and trivial edits, not small deliberate changes at thresholds below that.
 *   - motivations: cosine similarity of the embedder's vectors (the built-in lexical embedder by
 *     default: words and word pairs in common); vectors are cached by id.
 * - With a `judge`, a best similarity inside `judgeBand` (and below 1) is decided by the judge;
 *   an unusable judge answer (`LLM_RESPONSE_INVALID`) falls back to the threshold and is noted.
 *   Otherwise the proposal is rejected when the best similarity reaches `threshold`.
 *
 * Empty texts (nodes of rounds whose design failed) are never compared.
 * @example
 * const gate = createNoveltyGate({ threshold: 0.95, compare: 'both' });
 * const verdict = await gate.check({ motivation, program }, [{ id: 3, motivation: '…', program: '…' }]);
 * if (!verdict.novel) console.log(`too close to #${verdict.nearestId} (${verdict.field})`);
 */
export function createNoveltyGate(options: NoveltyGateOptions): NoveltyGate {
  const { threshold, compare } = options;
  const recent = options.recent ?? 200;
  const top = options.top ?? 50;
  const band = options.judgeBand ?? [0.85, 0.95];
  expectRange(isUnit(threshold), 'threshold', 'a number between 0 and 1', threshold);
  expectRange(
    compare === 'program' || compare === 'motivation' || compare === 'both',
    'compare',
    '"program", "motivation" or "both"',
    compare,
  );
  expectRange(Number.isInteger(recent) && recent >= 0, 'recent', 'a non-negative integer', recent);
  expectRange(Number.isInteger(top) && top >= 0, 'top', 'a non-negative integer', top);
  expectRange(
    isUnit(band[0]) && isUnit(band[1]) && band[0] <= band[1],
    'judge_band',
    '[low, high] with 0 ≤ low ≤ high ≤ 1',
    band,
  );
  const comparePrograms = compare !== 'motivation';
  const compareMotivations = compare !== 'program';
  const embedder = options.embedder ?? createLexicalEmbedder();
  const fingerprints = new Map<number, Fingerprint>();

  function fingerprintsOf(existing: readonly NoveltyCandidate[]): Fingerprint[] {
    const entries = existing.map((candidate) => {
      let entry = fingerprints.get(candidate.id);
      if (entry === undefined) {
        entry = fingerprintOf(candidate, compareMotivations);
        fingerprints.set(candidate.id, entry);
      }
      return entry;
    });
    // More fingerprints than candidates: some nodes were evicted; forget them.
    if (fingerprints.size > entries.length) {
      const live = new Set(existing.map((candidate) => candidate.id));
      for (const id of fingerprints.keys()) if (!live.has(id)) fingerprints.delete(id);
    }
    return entries;
  }

  function exactMatch(proposal: NoveltyProposal, entries: readonly Fingerprint[]): NoveltyVerdict | null {
    const program = normaliseProgram(proposal.program);
    const motivation = compareMotivations ? normaliseMotivation(proposal.motivation) : '';
    const programHash = program === '' ? null : textHash(program);
    const motivationHash = motivation === '' ? null : textHash(motivation);
    let programMatch: number | null = null;
    let motivationMatch: number | null = null;
    for (const entry of entries) {
      const id = entry.candidate.id;
      if (programHash !== null && entry.programHash === programHash && (programMatch === null || id < programMatch))
        programMatch = id;
      if (
        motivationHash !== null &&
        entry.motivationHash === motivationHash &&
        (motivationMatch === null || id < motivationMatch)
      ) {
        motivationMatch = id;
      }
    }
    if (programMatch !== null)
      return { novel: false, nearestId: programMatch, similarity: 1, field: 'program', exact: true };
    if (motivationMatch !== null)
      return { novel: false, nearestId: motivationMatch, similarity: 1, field: 'motivation', exact: true };
    return null;
  }

  async function nearestInWindow(
    proposal: NoveltyProposal,
    window: readonly Fingerprint[],
    abortSignal?: AbortSignal,
  ): Promise<NearestNode | null> {
    let nearest: NearestNode | null = null;
    if (comparePrograms && normaliseProgram(proposal.program) !== '') {
      const shingles = programShingles(proposal.program);
      for (const entry of window) {
        if (entry.programHash === null) continue;
        entry.shingles ??= programShingles(entry.candidate.program);
        nearest = closer(jaccard(shingles, entry.shingles), entry.candidate.id, 'program', nearest);
      }
    }
    if (compareMotivations && proposal.motivation.trim() !== '') {
      const withText = window.filter((entry) => entry.motivationHash !== null);
      const missing = withText.filter((entry) => entry.vector === undefined);
      const vectors = await embedAll(
        embedder,
        [proposal.motivation, ...missing.map((entry) => entry.candidate.motivation)],
        abortSignal,
      );
      missing.forEach((entry, index) => {
        entry.vector = vectors[index + 1] as Float32Array;
      });
      const own = vectors[0] as Float32Array;
      for (const entry of withText) {
        nearest = closer(cosine(own, entry.vector as Float32Array), entry.candidate.id, 'motivation', nearest);
      }
    }
    return nearest;
  }

  async function askJudge(
    proposal: NoveltyProposal,
    nearest: NearestNode,
    existing: readonly NoveltyCandidate[],
    abortSignal?: AbortSignal,
  ): Promise<NoveltyJudgeNote> {
    const node = existing.find((candidate) => candidate.id === nearest.id) as NoveltyCandidate;
    try {
      const verdict = await (options.judge as NoveltyJudge).judge({
        proposal,
        nearest: { id: node.id, motivation: node.motivation, program: node.program },
        similarity: nearest.similarity,
        field: nearest.field,
        ...(abortSignal ? { abortSignal } : {}),
      });
      return { duplicate: verdict.duplicate, reason: verdict.reason };
    } catch (error) {
      if (AsiEvolveError.isInstance(error) && error.code === 'LLM_RESPONSE_INVALID') return { error: error.message };
      throw error;
    }
  }

  return {
    threshold,
    compare,
    async check(proposal, existing, checkOptions = {}) {
      const entries = fingerprintsOf(existing);
      const exact = exactMatch(proposal, entries);
      if (exact !== null) return exact;
      const window = similarityWindow(entries, recent, top);
      const nearest = await nearestInWindow(proposal, window, checkOptions.abortSignal);
      if (nearest === null) return { novel: true, nearest: null };
      const reject = (judged?: NoveltyJudgeNote): NoveltyVerdict => ({
        novel: false,
        nearestId: nearest.id,
        similarity: nearest.similarity,
        field: nearest.field,
        exact: false,
        ...(judged ? { judged } : {}),
      });
      const inBand = nearest.similarity >= band[0] && nearest.similarity <= band[1] && nearest.similarity < 1;
      if (options.judge !== undefined && inBand) {
        const judged = await askJudge(proposal, nearest, existing, checkOptions.abortSignal);
        if ('duplicate' in judged) return judged.duplicate ? reject(judged) : { novel: true, nearest, judged };
        return nearest.similarity >= threshold ? reject(judged) : { novel: true, nearest, judged };
      }
      return nearest.similarity >= threshold ? reject() : { novel: true, nearest };
    },
  };
}
