import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema, resolveExperiment } from '../config/index.js';
import { createExecutorFromConfig, executorNames } from './from-config.js';

describe('createExecutorFromConfig', () => {
  it('has an executor for every name cluster.executor accepts, and builds the local one by default', async () => {
    expect(executorNames).toEqual(['local', 'queue', 'slurm']);
    for (const executor of executorNames) expect(configSchema.safeParse({ cluster: { executor } }).success).toBe(true);
    expect(configSchema.safeParse({ cluster: { executor: 'kubernetes' } }).success).toBe(false);

    const dir = mkdtempSync(join(tmpdir(), 'asi-executor-'));
    try {
      writeFileSync(join(dir, 'input.md'), 'task\n');
      writeFileSync(join(dir, 'eval.sh'), 'echo\n');
      const config = configSchema.parse({});
      const executor = createExecutorFromConfig(config, resolveExperiment(dir, config));
      expect(executor.name).toBe('local');
      await executor.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
