import { resolve } from 'node:path';
import type { Config, Experiment } from '../../config/index.js';
import type { Executor } from '../executor.js';
import { createSlurmExecutor, type SlurmExecutorOptions } from './slurm-executor.js';

/** The Slurm executor's options from `cluster` (work_dir relative to the experiment; default `<experiment>/.slurm`). */
export function slurmOptionsFromConfig(config: Config, experiment: Experiment): SlurmExecutorOptions {
  const slurm = config.cluster.slurm;
  return {
    workDir: resolve(experiment.dir, slurm.work_dir ?? '.slurm'),
    maxRetries: config.cluster.max_retries,
    partition: slurm.partition,
    account: slurm.account,
    qos: slurm.qos,
    gres: slurm.gres,
    cpusPerTask: slurm.cpus_per_task,
    mem: slurm.mem,
    timeLimitMinutes: slurm.time_limit_minutes,
    extraArgs: slurm.extra_args,
    pollIntervalMs: slurm.poll_interval * 1000,
  };
}

/** `cluster.executor: slurm`: each evaluation a Slurm batch job. */
export function slurmExecutorFromConfig(
  config: Config,
  experiment: Experiment,
  options: { notify?: (message: string) => void } = {},
): Executor {
  return createSlurmExecutor({
    ...slurmOptionsFromConfig(config, experiment),
    ...(options.notify ? { notify: options.notify } : {}),
  });
}
