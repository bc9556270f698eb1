import { describe, expect, it } from 'vitest';
import { configSchema, type Experiment } from '../../config/index.js';
import { createExecutorFromConfig } from '../from-config.js';
import { slurmOptionsFromConfig } from './from-config.js';

const experiment = { dir: '/runs/my experiment' } as Experiment;

describe('cluster.executor: slurm', () => {
  it('builds the Slurm executor, with its work folder in the experiment by default', () => {
    const config = configSchema.parse({ cluster: { executor: 'slurm' } });
    const executor = createExecutorFromConfig(config, experiment);
    expect(executor.name).toBe('slurm');
    expect(executor.description).toBe(
      'Slurm batch jobs (the default partition, 1 CPU(s), time limit from the evaluator timeout; job files in /runs/my experiment/.slurm); a lost job is resubmitted up to 2 time(s)',
    );
    expect(slurmOptionsFromConfig(config, experiment)).toEqual({
      workDir: '/runs/my experiment/.slurm',
      maxRetries: 2,
      partition: null,
      account: null,
      qos: null,
      gres: null,
      cpusPerTask: 1,
      mem: null,
      timeLimitMinutes: null,
      extraArgs: [],
      pollIntervalMs: 2000,
    });
  });

  it('passes every cluster.slurm key, a relative work_dir from the experiment folder', () => {
    const config = configSchema.parse({
      cluster: {
        executor: 'slurm',
        max_retries: 5,
        slurm: {
          partition: 'gpu',
          account: 'lab',
          qos: 'low',
          gres: 'gpu:2',
          cpus_per_task: 16,
          mem: '64G',
          time_limit_minutes: 120,
          extra_args: ['--exclusive'],
          poll_interval: 0.5,
          work_dir: '../shared/slurm',
        },
      },
    });
    expect(slurmOptionsFromConfig(config, experiment)).toEqual({
      workDir: '/runs/shared/slurm',
      maxRetries: 5,
      partition: 'gpu',
      account: 'lab',
      qos: 'low',
      gres: 'gpu:2',
      cpusPerTask: 16,
      mem: '64G',
      timeLimitMinutes: 120,
      extraArgs: ['--exclusive'],
      pollIntervalMs: 500,
    });
  });
});
