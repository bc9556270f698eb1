import type { Config, Experiment } from '../../config/index.js';
import { AsiEvolveError } from '../../errors.js';
import type { Executor } from '../executor.js';
import { createQueueExecutor } from './executor.js';
import { defaultQueueName, queueNameProblem } from './protocol.js';
import { redisUrlProblem } from './redis.js';

/**
 * The queue executor of `cluster.executor: queue`: queue `cluster.queue.name` (default
 * `asi-evolve-<experiment folder name>`) on `cluster.queue.redis_url`.
 * @example const executor = queueExecutorFromConfig(config, experiment);
 */
export function queueExecutorFromConfig(
  config: Config,
  experiment: Experiment,
  options: { notify?: (message: string) => void } = {},
): Executor {
  const { max_retries: maxRetries, queue } = config.cluster;
  const urlProblem = redisUrlProblem(queue.redis_url);
  if (urlProblem !== null) {
    // The value itself may hold a password: it is not quoted.
    throw new AsiEvolveError('CONFIG_INVALID', `cluster.queue.redis_url must be ${urlProblem}`, {
      key: 'cluster.queue.redis_url',
    });
  }
  const queueName = queue.name ?? defaultQueueName(experiment.dir);
  const nameProblem = queueNameProblem(queueName);
  if (nameProblem !== null) {
    throw new AsiEvolveError(
      'CONFIG_INVALID',
      `cluster.queue.name must be ${nameProblem}, got ${JSON.stringify(queueName)}`,
      { key: 'cluster.queue.name' },
    );
  }
  return createQueueExecutor({
    redisUrl: queue.redis_url,
    queueName,
    maxRetries,
    stallTimeoutMs: queue.stall_timeout * 1000,
    ...(options.notify ? { notify: options.notify } : {}),
  });
}
