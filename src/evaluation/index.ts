export type {
  EvaluationJob,
  EvaluationLogs,
  EvaluationOutcome,
  FailureReason,
  ResourceLimits,
  SandboxSettings,
} from './outcome.js';
export { runSandboxed, warmSandbox, type SandboxOptions, type WarmSandbox } from './sandbox.js';
export { removeTree } from './workspace.js';
export {
  loadSandboxCapabilities,
  sandboxCapabilities,
  unprivilegedUser,
  type SandboxCapabilities,
} from './capabilities.js';
export { describeSandbox, planSandbox, processGroupOnly, type SandboxPlan } from './sandbox-plan.js';
export { bubblewrapArguments, isHiddenExperimentEntry, type DropUser } from './bubblewrap.js';
export { buildEvaluatorEnv, filterEvaluatorEnv, looksSecretName, type EvaluatorEnvReport } from './env.js';
export { evaluatorError, findNonFinite, readResultsFile, type ResultsFileResult } from './results-file.js';
export { errorSummary, failureDetail } from './classify.js';
export { missingPathsIn, pathsHiddenBySandbox } from './hidden-paths.js';
export { defaultLimits, formatBytes, parseSize, prlimitArguments } from './limits.js';
export { limitsFromConfig, sandboxSettingsFromConfig, stagesFromConfig } from './from-config.js';
export {
  runStages,
  stagesResultsKey,
  summariseStages,
  type EvaluationStage,
  type RunJob,
  type StagedOutcome,
  type StageResult,
  type StageStatus,
} from './stages.js';
export {
  exactTolerance,
  freshReproductionFolder,
  relativeSpread,
  reproduceScore,
  reproductionFolder,
  toleranceFromSpread,
  withinTolerance,
  type ReproduceSettings,
  type ReproductionReport,
  type ReproductionRun,
} from './reproduce.js';
export { childrenOf, processStat, type ProcessStat } from './process-group.js';
export { killSpawnedProcesses } from './spawner.js';
