import type { JsonObject } from '../../store/types.js';

/** What the LLM judge sees of an evaluated candidate. */
export interface JudgeContext {
  task: string;
  program: string;
  results: JsonObject;
  name?: string;
  motivation?: string;
  abortSignal?: AbortSignal;
}
