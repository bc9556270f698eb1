export { createNoveltyGate, type NoveltyGate, type NoveltyGateOptions } from './novelty.js';
export {
  createLlmNoveltyJudge,
  noveltyJudgePrompt,
  parseNoveltyVerdict,
  type LlmNoveltyJudgeOptions,
} from './novelty-judge.js';
export {
  designWithNoveltyGate,
  noveltyEvents,
  noveltyFeedback,
  noveltyMetadata,
  type DesignWithNoveltyGateOptions,
  type GatedDesign,
  type NoveltyRejection,
} from './novelty-loop.js';
export { noveltyCandidates } from './candidates.js';
export type {
  NearestNode,
  NoveltyCandidate,
  NoveltyCompare,
  NoveltyField,
  NoveltyJudge,
  NoveltyJudgeInput,
  NoveltyJudgeNote,
  NoveltyProposal,
  NoveltyVerdict,
} from './novelty-types.js';
