export { createQueueExecutor, type QueueExecutorOptions } from './executor.js';
export { startQueueWorker, type QueueWorker, type QueueWorkerEvent, type QueueWorkerOptions } from './worker.js';
export { defaultQueueName, queueNameProblem } from './protocol.js';
export { queueExecutorFromConfig } from './from-config.js';
export { defaultRedisUrl, redactRedisUrl, redisUrlProblem } from './redis.js';
