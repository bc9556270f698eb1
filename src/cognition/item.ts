export type { CognitionItem, ScoredCognitionItem } from '../domain/index.js';
