export { runLoop, toSampleable, type LoopStore, type RunLoopOptions, type RunSummary } from './run.js';
export { buildRunParts, type RunParts } from './preset.js';
export { retrievalQueries, runRound, runSeedRound, type RoundParts, type RoundResult } from './round.js';
export { evaluateAndJudge, evaluateProgram, type EngineerParts, type Evaluated } from './engineer.js';
export { createNoticeRelay, type LoopEvent, type NoticeRelay } from './events.js';
export { estimateRun, formatEstimate, historyFromStore, type RunEstimate, type RunHistory } from './dry-run.js';
export { acquireRunLock, type RunLock } from './run-lock.js';
export { stepDirFor } from './step-files.js';
