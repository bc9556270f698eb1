export type { Executor } from './executor.js';
export { createLocalExecutor, type LocalExecutorOptions } from './local.js';
export { createExecutorFromConfig, executorNames, type ExecutorFactory, type ExecutorName } from './from-config.js';
export {
  createQueueExecutor,
  defaultRedisUrl,
  queueNameProblem,
  redactRedisUrl,
  redisUrlProblem,
  startQueueWorker,
  type QueueExecutorOptions,
  type QueueWorker,
  type QueueWorkerEvent,
} from './queue/index.js';
export { createSlurmExecutor, slurmExecutorFromConfig, type SlurmExecutorOptions } from './slurm/index.js';
