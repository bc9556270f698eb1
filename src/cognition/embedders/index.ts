export type { Embedder } from './embedder.js';
export { embedderIdentity } from './identity.js';
export { createLexicalEmbedder, suggestedLexicalThreshold } from './lexical.js';
export type { LexicalEmbedderOptions } from './lexical.js';
export { createOpenAIEmbedder } from './openai-compatible.js';
export type { OpenAIEmbedderOptions } from './openai-compatible.js';
export { EmbeddingCallError } from './embedding-call-error.js';
