export {
  runLoop,
  toSampleable,
  type LoopParts,
  type LoopSettings,
  type LoopStore,
  type RunLoopOptions,
  type RunSummary,
} from './run.js';
export { buildRunParts, loopSettingsFromConfig, roundSettingsFromConfig, type RunParts } from './preset.js';
export {
  retrievalQueries,
  runRound,
  runSeedRound,
  type RoundParts,
  type RoundResult,
  type RoundSettings,
  type RunState,
  objectivesView,
} from './round.js';
export {
  createEngineer,
  runCheckCommand,
  type Candidate,
  type Engineer,
  type EngineerSettings,
  type EvaluateOptions,
  type Evaluated,
  type EvaluationSite,
} from './engineer.js';
export { createNoticeRelay, type LoopEvent, type NoticeRelay } from './events.js';
export {
  trackActivity,
  withActivity,
  withinStep,
  type Activity,
  type ActivityEvent,
  type ActivityKind,
} from './activity.js';
export { estimateRun, formatEstimate, historyFromStore, type RunEstimate, type RunHistory } from './dry-run.js';
export { acquireRunLock, type RunLock } from './run-lock.js';
export { stepDirFor } from './step-files.js';
export {
  openExperiment,
  type ExperimentReader,
  type ExperimentRunOptions,
  type OpenedExperiment,
  type OpenExperimentOptions,
} from './open-experiment.js';
