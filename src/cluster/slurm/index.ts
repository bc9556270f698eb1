export { createSlurmExecutor, defaultRunner, type SlurmExecutorOptions } from './slurm-executor.js';
export { defaultTimeLimitMinutes, type SlurmJobSettings } from './submission.js';
export { slurmExecutorFromConfig, slurmOptionsFromConfig } from './from-config.js';
