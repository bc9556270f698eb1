import type { JsonObject } from '../store/types.js';

/** One piece of human (or run-found) knowledge the Researcher can be shown. */
export interface CognitionItem {
  id: string;
  title: string;
  content: string;
  /** Where it came from: a paper, a file, or `run:<node id>` when the run found it. */
  source: string;
  tags: string[];
  metadata: JsonObject;
}

/** An item with its retrieval score. */
export interface ScoredCognitionItem {
  item: CognitionItem;
  score: number;
}
