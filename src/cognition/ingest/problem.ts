import type { CognitionItem } from '../item.js';

/** Something in a cognition file that could not be imported; the rest of the file still is. */
export interface CognitionImportProblem {
  /** The file as it was given (or found while walking a folder). */
  file: string;
  /** 1-based line, where the format lets us know it. */
  line?: number;
  message: string;
}

/** What an import produced: every item it could read and every problem it met. */
export interface CognitionImportResult {
  items: CognitionItem[];
  problems: CognitionImportProblem[];
}
