import { AsiEvolveError } from '../../errors.js';
import type { JsonObject } from '../../domain/index.js';
import type { DesignContext, Designer, Proposal } from '../types.js';
import type { NoveltyGate } from './novelty.js';
import type { NoveltyCandidate, NoveltyField, NoveltyJudgeNote, NoveltyVerdict } from './novelty-types.js';

/** One proposal the gate sent back. */
export interface NoveltyRejection {
  /** 0 for the round's first design, then 1, 2… for each re-ask. */
  attempt: number;
  name: string;
  nearestId: number;
  similarity: number;
  field: NoveltyField;
  exact: boolean;
  judged?: NoveltyJudgeNote;
}

/** The outcome of a gated design: the proposal to evaluate and every rejection on the way. */
export interface GatedDesign {
  proposal: Proposal;
  /** Proposals checked by the gate (0 without a gate). */
  checks: number;
  rejections: NoveltyRejection[];
  /**
   * True when the proposal returned is itself a near-duplicate: re-asks ran out, or a re-ask
   * gave no usable answer (see `reaskError`). The loop evaluates it anyway.
   */
  exhausted: boolean;
  /** The last verdict, or null without a gate. */
  verdict: NoveltyVerdict | null;
  /** Why a re-ask failed (its design error), when it did. */
  reaskError?: string;
}

export interface DesignWithNoveltyGateOptions {
  designer: Designer;
  context: DesignContext;
  /** null: design once, check nothing. */
  gate: NoveltyGate | null;
  /** The stored nodes to compare with (see `noveltyCandidates`). */
  existing: readonly NoveltyCandidate[];
  /** How many times a near-duplicate is sent back before the last proposal is kept (`max_attempts`). */
  maxAttempts: number;
}

const maxQuotedChars = 400;

function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > maxQuotedChars ? `${flat.slice(0, maxQuotedChars)}…` : flat;
}

/**
 * The note sent back to the designer after a rejection: it names the near-duplicate, quotes its
 * motivation and asks for a different idea.
 */
export function noveltyFeedback(
  verdict: Extract<NoveltyVerdict, { novel: false }>,
  nearest: NoveltyCandidate | undefined,
  threshold: number,
): string {
  const how = verdict.exact
    ? `its ${verdict.field} is identical to that of node #${verdict.nearestId}`
    : `its ${verdict.field} is ${(verdict.similarity * 100).toFixed(1)}% similar to that of node #${verdict.nearestId} (the limit is ${(threshold * 100).toFixed(1)}%)`;
  const judged =
    verdict.judged && 'reason' in verdict.judged && verdict.judged.reason
      ? ` A reviewer agreed: ${verdict.judged.reason}`
      : '';
  const motivation =
    nearest && nearest.motivation.trim()
      ? `\nNode #${verdict.nearestId} was motivated by: "${quote(nearest.motivation)}"`
      : '';
  return `Your previous proposal was not evaluated because it is a near-duplicate of an existing candidate: ${how}.${judged}${motivation}\nPropose a substantially different candidate: change the approach or the structure, not only constants or wording.`;
}

function rejectionOf(
  attempt: number,
  proposal: Proposal,
  verdict: Extract<NoveltyVerdict, { novel: false }>,
): NoveltyRejection {
  return {
    attempt,
    name: proposal.name,
    nearestId: verdict.nearestId,
    similarity: verdict.similarity,
    field: verdict.field,
    exact: verdict.exact,
    ...(verdict.judged ? { judged: verdict.judged } : {}),
  };
}

/** A re-ask that gave no usable answer keeps the last proposal instead of failing the round. */
function isUnusableAnswer(error: unknown): boolean {
  return AsiEvolveError.isInstance(error) && error.code === 'LLM_RESPONSE_INVALID';
}

/**
 * Designs a candidate and checks it with the novelty gate before anything is evaluated. A
 * near-duplicate is sent back with {@link noveltyFeedback} in `context.feedback` (each re-ask
 * also gets its own random stream, so the built-in operator simply draws again), at most
 * `maxAttempts` times; then the last proposal is returned with `exhausted: true`. Errors of the
 * first design propagate; an unusable answer to a re-ask keeps the last proposal.
 * @example
 * const gated = await designWithNoveltyGate({ designer, context, gate, existing, maxAttempts: 2 });
 * evaluate(gated.proposal.program);
 */
export async function designWithNoveltyGate(options: DesignWithNoveltyGateOptions): Promise<GatedDesign> {
  const { designer, gate, existing, maxAttempts } = options;
  const abortSignal = options.context.abortSignal;
  let proposal = await designer.design(options.context);
  if (gate === null) return { proposal, checks: 0, rejections: [], exhausted: false, verdict: null };
  const rejections: NoveltyRejection[] = [];
  for (let attempt = 0; ; attempt++) {
    const verdict = await gate.check(proposal, existing, abortSignal ? { abortSignal } : {});
    const checks = attempt + 1;
    if (verdict.novel) return { proposal, checks, rejections, exhausted: false, verdict };
    rejections.push(rejectionOf(attempt, proposal, verdict));
    if (attempt >= maxAttempts) return { proposal, checks, rejections, exhausted: true, verdict };
    const nearest = existing.find((candidate) => candidate.id === verdict.nearestId);
    const context: DesignContext = {
      ...options.context,
      feedback: noveltyFeedback(verdict, nearest, gate.threshold),
      random: options.context.random.fork(`novelty-reask:${attempt + 1}`),
    };
    try {
      proposal = await designer.design(context);
    } catch (error) {
      if (abortSignal?.aborted || !isUnusableAnswer(error)) throw error;
      const reaskError = error instanceof Error ? error.message : String(error);
      return { proposal, checks, rejections, exhausted: true, verdict, reaskError };
    }
  }
}

/** What a node's metadata keeps of a gated design (`metadata.novelty`). */
export function noveltyMetadata(gated: GatedDesign): JsonObject {
  const nearest =
    gated.verdict === null
      ? null
      : gated.verdict.novel
        ? gated.verdict.nearest
        : { id: gated.verdict.nearestId, similarity: gated.verdict.similarity, field: gated.verdict.field };
  return {
    checks: gated.checks,
    rejected: gated.rejections.length,
    exhausted: gated.exhausted,
    nearest: nearest === null ? null : { ...nearest },
    rejections: gated.rejections.map((rejection) => ({
      attempt: rejection.attempt,
      name: rejection.name,
      nearestId: rejection.nearestId,
      similarity: rejection.similarity,
      field: rejection.field,
      exact: rejection.exact,
      ...(rejection.judged ? { judged: { ...rejection.judged } } : {}),
    })),
    ...(gated.reaskError === undefined ? {} : { reaskError: gated.reaskError }),
  };
}

/** One run event per rejection (`novelty-rejected`), for the store's event log. */
export function noveltyEvents(gated: GatedDesign): Array<{ type: string; message: string; data: JsonObject }> {
  return gated.rejections.map((rejection) => ({
    type: 'novelty-rejected',
    message: `proposal "${rejection.name}" rejected before evaluation: ${rejection.field} ${rejection.exact ? 'identical to' : `${(rejection.similarity * 100).toFixed(1)}% similar to`} node #${rejection.nearestId}`,
    data: {
      attempt: rejection.attempt,
      nearestId: rejection.nearestId,
      similarity: rejection.similarity,
      field: rejection.field,
      exact: rejection.exact,
    },
  }));
}
