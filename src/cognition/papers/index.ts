export { chunkPages } from './chunk.js';
export { findPaperFiles, paperExtensions, type FoundPapers } from './find-papers.js';
export { readPaper, type ReadPaperResult } from './read-paper.js';
export {
  ingestPapers,
  type IngestEvent,
  type IngestPapersOptions,
  type IngestStore,
  type IngestSummary,
} from './ingest-papers.js';
export type { ExtractedItem, ExtractedItemKind, PaperChunk, PaperExtractor, PaperPage, PaperText } from './types.js';
