export type { Executor } from './executor.js';
export { createLocalExecutor, type LocalExecutorOptions } from './local.js';
