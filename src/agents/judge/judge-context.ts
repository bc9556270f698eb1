import type { JsonObject } from '../../domain/index.js';

/** What the LLM judge sees of an evaluated candidate. */
export interface JudgeContext {
  task: string;
  program: string;
  results: JsonObject;
  name?: string;
  motivation?: string;
  abortSignal?: AbortSignal;
}
