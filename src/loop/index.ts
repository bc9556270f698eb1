export { runLoop, toSampleable, type LoopStore, type RunLoopOptions, type RunSummary } from './run.js';
export { buildRunParts, type RunParts } from './preset.js';
export { runRound, runSeedRound, type RoundParts, type RoundResult } from './round.js';
export { evaluateProgram, type EngineerParts } from './engineer.js';
export type { LoopEvent } from './events.js';
export { estimateRun, formatEstimate, historyFromStore, type RunEstimate, type RunHistory } from './dry-run.js';
export { acquireRunLock, type RunLock } from './run-lock.js';
