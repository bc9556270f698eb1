export { createCognitionExtractor, type CognitionExtractorOptions } from './extractor.js';
export { parseCognitionItems, type CognitionItemBlock, type ParsedCognitionItems } from './parse.js';
export { EXTRACTION_SYSTEM_PROMPT, renderExtractionPrompt, type ExtractionPromptInput } from './prompt.js';
