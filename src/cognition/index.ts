export type { CognitionItem, ScoredCognitionItem } from './item.js';
export {
  importCognitionFile,
  importCognitionPaths,
  parseCognitionText,
  cognitionFileExtensions,
  stableCognitionId,
} from './ingest/index.js';
export type { CognitionFileFormat, CognitionImportProblem, CognitionImportResult } from './ingest/index.js';
export {
  createEmbedderFromConfig,
  createLexicalEmbedder,
  createLocalEmbedder,
  createOpenAIEmbedder,
  embedderIdentity,
  neuralThreshold,
  retrievalThreshold,
  suggestedLexicalThreshold,
  EmbeddingCallError,
} from './embedders/index.js';
export type {
  Embedder,
  EmbedderFromConfig,
  EmbedderFromConfigOptions,
  LexicalEmbedderOptions,
  LocalEmbedderOptions,
  OpenAIEmbedderOptions,
} from './embedders/index.js';
export { searchExact } from './vector-index.js';
export type { VectorMatch } from './vector-index.js';
export { createApproximateIndex } from './approximate-index.js';
export type { ApproximateIndex, ApproximateIndexOptions } from './approximate-index.js';
export { createVectorSearch } from './vector-search.js';
export type { VectorSearch, VectorSearchOptions } from './vector-search.js';
export { createMemoryCognitionSource } from './source.js';
export type { CognitionSource, MemoryCognitionSource } from './source.js';
export { createStoreCognitionSource } from './store-source.js';
export type { CognitionStore } from './store-source.js';
export { createCognitionRetriever, cognitionItemText, indexCacheFileFor } from './retrieve.js';
export type { CognitionRetriever, CognitionRetrieverOptions, EmbeddingUsage } from './retrieve.js';
export type { RefusedItem } from './vector-check.js';
export { useEmbedder, embedderMetaKey } from './embedder-switch.js';
export type { EmbedderSwitch } from './embedder-switch.js';
export { classifyCandidates } from './dedupe.js';
export type { CandidateVerdict } from './dedupe.js';
export { recordFoundItems, foundByRunTag } from './growth.js';
export type { FoundItemsResult, ProposedCognitionItem, RecordFoundItemsOptions } from './growth.js';
export { provenanceReport, provenanceSplit } from './provenance.js';
export type { ProvenanceReport, ProvenanceSplit } from './provenance.js';
export { chunkPages, findPaperFiles, ingestPapers, paperExtensions, readPaper } from './papers/index.js';
export type {
  ExtractedItem,
  ExtractedItemKind,
  IngestEvent,
  IngestPapersOptions,
  IngestStore,
  IngestSummary,
  PaperChunk,
  PaperExtractor,
  PaperPage,
  PaperText,
} from './papers/index.js';
export { prepareRunCognition } from './run-cognition.js';
export type { PrepareRunCognitionOptions, RunCognition } from './run-cognition.js';
