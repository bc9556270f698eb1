export type {
  AnalysisContext,
  Analyst,
  DesignContext,
  Designer,
  JudgeVerdict,
  ObjectivesView,
  ProjectView,
  Proposal,
} from './types.js';
export { projectOutline, type OutlineFile } from './researcher/outline.js';
export {
  applyFileEdits,
  parseMultiFileAnswer,
  type EditablePaths,
  type FileEdit,
  type FileEditsResult,
  type MultiFileAnswer,
} from './researcher/multi-file.js';
export { JudgeError, ResearcherError, ResponseFormatError } from './errors.js';
export { createTemplates, defaultTemplateSource, loadTemplates, type Templates } from './templates/load.js';
export type { CompiledTemplate } from './templates/environment.js';
export { TEMPLATE_FILES, TEMPLATE_VARIABLES, type TemplateName } from './templates/variable-docs.js';
export { createLlmResearcher, researcherPrompt, type LlmResearcherOptions } from './researcher/researcher.js';
export {
  parseDiffAnswer,
  parseRewriteAnswer,
  parseSearchReplaceBlocks,
  type DiffAnswer,
  type RewriteAnswer,
  type SearchReplaceBlock,
} from './researcher/parse.js';
export {
  applySearchReplace,
  type SearchReplaceFailure,
  type SearchReplaceResult,
} from './researcher/search-replace.js';
export { checkEvolveBlocks, hasEvolveBlocks, type EvolveBlockCheck } from './researcher/evolve-blocks.js';
export { createLlmAnalyzer, type LlmAnalyzerOptions } from './analyzer/llm-analyzer.js';
export { createRawAnalyst } from './analyzer/raw.js';
export { createRuleBasedAnalyst } from './analyzer/rule-based.js';
export { trimLogs, type TrimmedLogs } from './analyzer/trim.js';
export { blendScores, createLlmJudge, parseJudgeScore, type Judge, type LlmJudgeOptions } from './judge/judge.js';
export type { JudgeContext } from './judge/judge-context.js';
export { combineJudgeScore, compositeScore, sigmoid, type JudgeCombination } from './judge/composite.js';
export * from './debug/index.js';
export {
  createStaticCheck,
  loadStaticCheck,
  loadStaticCheckTemplate,
  parseVerdict,
  type RunCheckCommand,
  type StaticCheck,
  type StaticCheckInput,
  type StaticVerdict,
} from './gates/static-check.js';
export { createBuiltinDesigner } from './builtin/designer.js';
export * from './gates/index.js';
export { researcherVariables, analyzerVariables, judgeVariables } from './templates/variables.js';
export * from './manager/index.js';
export * from './cognition-extractor/index.js';
export { isProposingAnalyst, type ProposingAnalyst, type AnalysisWithProposals } from './analyzer/proposals.js';
export { createLlmNoveltyJudge, createNoveltyGate, type NoveltyJudge } from './gates/index.js';
export {
  designWithNoveltyGate,
  noveltyCandidates,
  noveltyEvents,
  noveltyMetadata,
  type NoveltyGate,
} from './gates/index.js';
