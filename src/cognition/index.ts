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
  createLexicalEmbedder,
  createOpenAIEmbedder,
  embedderIdentity,
  suggestedLexicalThreshold,
  EmbeddingCallError,
} from './embedders/index.js';
export type { Embedder, LexicalEmbedderOptions, OpenAIEmbedderOptions } from './embedders/index.js';
export { searchExact } from './vector-index.js';
export type { VectorMatch } from './vector-index.js';
export { createMemoryCognitionSource } from './source.js';
export type { CognitionSource, MemoryCognitionSource } from './source.js';
export { createCognitionRetriever, cognitionItemText } from './retrieve.js';
export type { CognitionRetriever, CognitionRetrieverOptions, EmbeddingUsage } from './retrieve.js';
