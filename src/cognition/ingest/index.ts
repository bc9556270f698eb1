export { importCognitionFile, parseCognitionText, cognitionFileExtensions, cognitionFormatOf } from './import-file.js';
export type { CognitionFileFormat } from './import-file.js';
export { importCognitionPaths } from './import-paths.js';
export { normaliseCognitionItem, stableCognitionId } from './normalise-item.js';
export type { CognitionImportProblem, CognitionImportResult } from './problem.js';
