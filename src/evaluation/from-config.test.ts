import { describe, expect, it } from 'vitest';
import { configSchema } from '../config/schema.js';
import { limitsFromConfig, sandboxSettingsFromConfig, stagesFromConfig } from './from-config.js';

const defaults = configSchema.parse({});

describe('config → evaluation settings', () => {
  it('turns the sandbox on by default, with limits', () => {
    expect(sandboxSettingsFromConfig(defaults.evaluator.sandbox, '/exp')).toEqual({
      mode: 'auto',
      network: false,
      readPaths: [],
    });
    expect(limitsFromConfig(defaults.evaluator.sandbox)).toEqual({
      memoryBytes: 4 * 1024 ** 3,
      fileSizeBytes: 1024 ** 3,
      maxProcesses: 512,
    });
  });

  it('reads sizes, null limits and read paths relative to the experiment', () => {
    const config = configSchema.parse({
      evaluator: {
        sandbox: {
          memory: '512M',
          file_size: null,
          max_processes: null,
          cpu_seconds: 60,
          read_paths: ['data', '/datasets'],
        },
      },
    });
    expect(limitsFromConfig(config.evaluator.sandbox)).toEqual({ memoryBytes: 512 * 1024 ** 2, cpuSeconds: 60 });
    expect(sandboxSettingsFromConfig(config.evaluator.sandbox, '/exp').readPaths).toEqual(['/exp/data', '/datasets']);
  });

  it('refuses a bad size, an unknown mode and duplicate stage names', () => {
    const result = configSchema.safeParse({
      evaluator: {
        sandbox: { memory: 'lots', mode: 'docker' },
        stages: [
          { name: 'a', command: 'x' },
          { name: 'a', command: 'y' },
        ],
      },
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join('.')) ?? [];
    expect(paths).toEqual(
      expect.arrayContaining(['evaluator.sandbox.memory', 'evaluator.sandbox.mode', 'evaluator.stages']),
    );
  });

  it('makes one stage of the evaluator command, or the configured stages with their timeouts', () => {
    expect(stagesFromConfig(defaults.evaluator, 'bash eval.sh', 30_000)).toEqual([
      { name: 'evaluate', command: 'bash eval.sh', timeoutMs: 30_000, threshold: null },
    ]);
    const config = configSchema.parse({
      evaluator: {
        stages: [
          { name: 'quick', command: 'bash eval.sh --quick', timeout: 5, threshold: 0.5 },
          { name: 'full', command: 'bash eval.sh' },
        ],
      },
    });
    expect(stagesFromConfig(config.evaluator, 'unused', 30_000)).toEqual([
      { name: 'quick', command: 'bash eval.sh --quick', timeoutMs: 5_000, threshold: 0.5 },
      { name: 'full', command: 'bash eval.sh', timeoutMs: 30_000, threshold: null },
    ]);
  });
});
