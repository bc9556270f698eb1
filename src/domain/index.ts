/**
 * The domain types every part shares: nodes, LLM calls, usage, run events, cognition items and
 * what a sampling policy sees of a node, a multi-file candidate as one text, the lengths a node's texts may have, how an amount
 * of money is shown, and how several objectives rank nodes (Pareto fronts). It imports no other part (only the `diff` package, for the changes
 * between two file sets), so any part may import it.
 */
export type {
  CognitionItem,
  JsonObject,
  JsonValue,
  LlmCallRecord,
  NewNode,
  NodeRecord,
  NodeSummary,
  Provenance,
  RunEvent,
  SampleableNode,
  ScoredCognitionItem,
  TokenUsage,
} from './types.js';
export { NODE_TEXT_LIMITS } from './limits.js';
export { formatUsd } from './money.js';
export {
  FileSetError,
  formatFileSet,
  isFileSetProgram,
  parseFileSet,
  unsafeRelativePath,
  type FileSet,
} from './file-set.js';
export { fileSetChanges, gitFilePatch, gitPatch, programFileChanges, type FileSetChange } from './file-set-diff.js';
export { stepFolderName, stepOfFolderName } from './step-folder.js';
export {
  MAX_NESTED_METRICS,
  dominatesOnObjectives,
  instanceScores,
  objectiveValues,
  paretoFront,
  paretoRanks,
  summaryMetrics,
  type FrontMember,
  type Objective,
  type ObjectiveSettings,
  type RankableNode,
} from './objectives.js';
export { LeadingFronts, type LeadingDemand } from './leading-fronts.js';
export { objectiveGaps, type ObjectiveGap } from './objective-gaps.js';
export { LISTED_INSTANCES, listInstances } from './instance-names.js';
export {
  buildFrontView,
  formatObjectiveValue,
  frontGrowth,
  rankFront,
  type FrontGrowthPoint,
  type FrontInput,
  type FrontPoint,
  type FrontRanking,
  type FrontView,
} from './front-ranking.js';
