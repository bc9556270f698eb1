import type { Config, Experiment } from '../config/index.js';
import type { Executor } from './executor.js';
import { createLocalExecutor } from './local.js';
import { queueExecutorFromConfig } from './queue/index.js';
import { slurmExecutorFromConfig } from './slurm/index.js';

/** Where an executor tells about evaluations that wait (for a worker, for a Slurm node) while the run goes on. */
export interface ExecutorNotices {
  notify?: (message: string) => void;
}

/** An executor's name as written in `cluster.executor`. */
export type ExecutorName = Config['cluster']['executor'];

/** Builds an executor from the validated config. */
export type ExecutorFactory = (config: Config, experiment: Experiment, options: ExecutorNotices) => Executor;

/** The executors by the name config uses, like the sampling policies and LLM providers (the type checks that none is missing). */
const executorFactories: Readonly<Record<ExecutorName, ExecutorFactory>> = {
  // Runs `pipeline.parallel.num_workers` evaluations at once on this machine; needs no server.
  local: (config) => createLocalExecutor({ concurrency: config.pipeline.parallel.num_workers }),
  queue: queueExecutorFromConfig,
  slurm: slurmExecutorFromConfig,
};

/** Every name `cluster.executor` accepts. */
export const executorNames = Object.keys(executorFactories) as ExecutorName[];

/**
 * The executor `cluster.executor` names (docs/architecture.md, extension points); `local` is the default.
 * @example
 * const executor = createExecutorFromConfig(config, experiment);
 */
export function createExecutorFromConfig(
  config: Config,
  experiment: Experiment,
  options: ExecutorNotices = {},
): Executor {
  return executorFactories[config.cluster.executor](config, experiment, options);
}
