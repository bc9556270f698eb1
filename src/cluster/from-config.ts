import type { Config, Experiment } from '../config/index.js';
import type { Executor } from './executor.js';
import { createLocalExecutor } from './local.js';
import { queueExecutorFromConfig } from './queue/index.js';
import { slurmExecutorFromConfig } from './slurm/index.js';

/** Where an executor tells about evaluations that wait (for a worker, for a Slurm node) while the run goes on. */
export interface ExecutorNotices {
  notify?: (message: string) => void;
}

/**
 * The executor `cluster.executor` names (SYSTEM.md §12). `local` (the default) runs
 * `pipeline.parallel.num_workers` evaluations at once on this machine and needs no server.
 * @example
 * const executor = createExecutorFromConfig(config, experiment);
 */
export function createExecutorFromConfig(config: Config, experiment: Experiment, options: ExecutorNotices = {}): Executor {
  const concurrency = config.pipeline.parallel.num_workers;
  switch (config.cluster.executor) {
    case 'local':
      return createLocalExecutor({ concurrency });
    case 'queue':
      return queueExecutorFromConfig(config, experiment, options);
    case 'slurm':
      return slurmExecutorFromConfig(config, experiment, options);
  }
}
