export type { EvaluationJob, EvaluationLogs, EvaluationOutcome, FailureReason, ResourceLimits } from './outcome.js';
export { runSandboxed, type SandboxOptions } from './sandbox.js';
export { sandboxCapabilities, type SandboxCapabilities } from './capabilities.js';
export { buildEvaluatorEnv, filterEvaluatorEnv, looksSecretName, type EvaluatorEnvReport } from './env.js';
export { readResultsFile, type ResultsFileResult } from './results-file.js';
export { defaultLimits, formatBytes, parseSize, prlimitArguments } from './limits.js';
