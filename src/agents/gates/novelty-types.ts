/** Which text of a proposal the gate compares with stored nodes. */
export type NoveltyCompare = 'program' | 'motivation' | 'both';

/** The text in which a near-duplicate was found. */
export type NoveltyField = 'program' | 'motivation';

/** What the gate checks: a designed candidate, before it is evaluated. */
export interface NoveltyProposal {
  readonly motivation: string;
  readonly program: string;
}

/**
 * A stored node the proposal is compared with. The gate reads `motivation` and `program` only
 * the first time it sees an id (it keeps fingerprints by id), so they may be lazy getters.
 */
export interface NoveltyCandidate {
  readonly id: number;
  readonly motivation: string;
  readonly program: string;
  /** Used to keep the best nodes in the similarity window; null or absent for failed nodes. */
  readonly score?: number | null;
}

/** The most similar stored node found. */
export interface NearestNode {
  id: number;
  similarity: number;
  field: NoveltyField;
}

/** What the LLM novelty judge said about a borderline case, or why it could not say. */
export type NoveltyJudgeNote = { duplicate: boolean; reason: string } | { error: string };

/** The gate's decision. A rejection names the near-duplicate, the similarity and the field. */
export type NoveltyVerdict =
  | { novel: true; nearest: NearestNode | null; judged?: NoveltyJudgeNote }
  | {
      novel: false;
      nearestId: number;
      similarity: number;
      field: NoveltyField;
      /** True when the normalised text is identical to the node's (similarity 1). */
      exact: boolean;
      judged?: NoveltyJudgeNote;
    };

/** What the LLM novelty judge is shown. */
export interface NoveltyJudgeInput {
  proposal: NoveltyProposal;
  nearest: { id: number; motivation: string; program: string };
  similarity: number;
  field: NoveltyField;
  abortSignal?: AbortSignal;
}

/** Decides borderline cases: is the proposal the same idea as the nearest stored node? */
export interface NoveltyJudge {
  judge(input: NoveltyJudgeInput): Promise<{ duplicate: boolean; reason: string }>;
}
