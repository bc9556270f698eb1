/** One page of a paper's text (1-based page number; a text file without form feeds is one page). */
export interface PaperPage {
  number: number;
  text: string;
}

/** A paper read from disk, ready for extraction. */
export interface PaperText {
  file: string;
  /** From the PDF's metadata, the first heading or line, else the file name. */
  title: string;
  /** SHA-256 of the file's bytes. */
  contentHash: string;
  pages: PaperPage[];
}

/** What kind of knowledge an extracted item is. */
export type ExtractedItemKind = 'heuristic' | 'pitfall' | 'principle';

/** One piece of knowledge an LLM extracted from a paper. */
export interface ExtractedItem {
  kind: ExtractedItemKind;
  title: string;
  content: string;
  /** The page it was found on, when the model said and the page exists in the chunk. */
  page: number | undefined;
}

/** A stretch of consecutive pages sent to the extractor in one call. */
export interface PaperChunk {
  /** 0-based position among the paper's chunks. */
  index: number;
  pages: PaperPage[];
}

/**
 * Reads a chunk of a paper and returns the heuristics, pitfalls and design principles it
 * offers. The LLM Cognition Extractor (src/agents/cognition-extractor) is one.
 */
export interface PaperExtractor {
  readonly modelId: string;
  extract(input: {
    paperTitle: string;
    chunk: PaperChunk;
    chunks: number;
    maxItems: number;
    /** The experiment's task, so the extraction favours what helps with it. */
    task?: string;
    abortSignal?: AbortSignal;
  }): Promise<{ items: ExtractedItem[]; problems: string[] }>;
}
