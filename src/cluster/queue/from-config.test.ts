import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type Experiment } from '../../config/index.js';
import { createScratch } from '../../evaluation/test-support/scratch.js';
import { thrownAsiError } from '../../test-support/asi-error.js';
import { requires } from '../../test-support/requires.js';
import { createExecutorFromConfig } from '../from-config.js';
import { startRedisServer, type RedisServer } from './test-support/redis-server.js';
import { startQueueWorker } from './worker.js';

const scratch = createScratch();
const needsRedis = requires('redis');
let redis: RedisServer;
beforeAll(async () => {
  if (!needsRedis.skip) redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
  scratch.cleanup();
});

const experiment = { dir: '/runs/my experiment' } as Experiment;

describe('cluster.executor: queue', () => {
  it(
    'queues on asi-evolve-<experiment folder name> by default, which a worker of that name serves',
    needsRedis,
    async () => {
      const config = configSchema.parse({ cluster: { executor: 'queue', queue: { redis_url: redis.url } } });
      const executor = createExecutorFromConfig(config, experiment);
      const worker = await startQueueWorker({ redisUrl: redis.url, queueName: 'asi-evolve-my-experiment' });
      try {
        expect(executor.name).toBe('queue');
        expect(executor.description).toContain('queue asi-evolve-my-experiment on redis://127.0.0.1:');
        expect(executor.description).toContain('asi-evolve worker --queue asi-evolve-my-experiment');
        expect(await executor.run(scratch.job({}))).toMatchObject({ status: 'ok', evalScore: 1 });
      } finally {
        await executor.close();
        await worker.close();
      }
    },
  );

  it('names the key of a bad Redis URL without quoting it (it may hold a password), and of a bad queue name', () => {
    const badUrl = thrownAsiError(() =>
      createExecutorFromConfig(
        configSchema.parse({ cluster: { executor: 'queue', queue: { redis_url: 'http://:hunter2@host' } } }),
        experiment,
      ),
    );
    expect(badUrl).toMatchObject({ code: 'CONFIG_INVALID', key: 'cluster.queue.redis_url' });
    expect(badUrl.message).not.toContain('hunter2');
    const withPassword = createExecutorFromConfig(
      configSchema.parse({ cluster: { executor: 'queue', queue: { redis_url: 'redis://:hunter2@cache:6379' } } }),
      experiment,
    );
    expect(withPassword.description).toContain('redis://[redacted]@cache:6379');
    expect(withPassword.description).not.toContain('hunter2');
    void withPassword.close();
    const badName = thrownAsiError(() =>
      createExecutorFromConfig(
        configSchema.parse({ cluster: { executor: 'queue', queue: { name: 'a:b' } } }),
        experiment,
      ),
    );
    expect(badName).toMatchObject({ code: 'CONFIG_INVALID', key: 'cluster.queue.name' });
    expect(badName.message).toContain('"a:b"');
  });
});
