import { createBuiltinDesigner, createRuleBasedAnalyst, type Analyst, type Designer } from '../../agents/index.js';
import { createLocalExecutor, type Executor } from '../../cluster/index.js';
import { configSchema, resolveExperiment, type Config } from '../../config/index.js';
import type { SandboxSettings } from '../../evaluation/index.js';
import { createSamplingPolicy } from '../../sampling/index.js';
import { createEngineer } from '../engineer.js';
import { loopSettingsFromConfig, roundSettingsFromConfig } from '../preset.js';
import type { LoopParts } from '../run.js';

export interface TestLoopPartsOptions {
  /** Default: the schema's defaults with a 20 s evaluation limit. */
  config?: Config;
  /** Default: the local executor, two evaluations at a time. */
  executor?: Executor;
  /** Default: the engineer's own (the machine's best mode). */
  sandbox?: SandboxSettings;
  designer?: Designer;
  analyst?: Analyst;
  liveNotices?: LoopParts['liveNotices'];
  recordFound?: LoopParts['recordFound'];
}

/**
 * A run's parts for the experiment in `dir`, without a preset: the built-in designer, the
 * rule-based analyst, no retrieval, novelty gate, stages or agents; what a loop test varies
 * comes in `options`.
 */
export function testLoopParts(dir: string, options: TestLoopPartsOptions = {}): LoopParts {
  const config = options.config ?? configSchema.parse({ pipeline: { engineer_timeout: 20 } });
  const experiment = resolveExperiment(dir, config);
  const engineer = createEngineer({
    executor: options.executor ?? createLocalExecutor({ concurrency: 2 }),
    experimentDir: experiment.dir,
    stepsDir: experiment.stepsDir,
    evaluatorCommand: experiment.evaluatorCommand,
    programFile: config.evaluator.program_file,
    timeoutMs: config.pipeline.engineer_timeout * 1000,
    killGraceMs: config.evaluator.kill_grace * 1000,
    maxOutputBytes: config.evaluator.max_output_bytes,
    limits: {},
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    ...(options.sandbox ? { sandbox: options.sandbox } : {}),
    task: experiment.task,
    stages: [],
    staticCheck: null,
    debug: null,
    judge: null,
    reproduce: { count: 0, tolerance: 0 },
  });
  return {
    round: {
      settings: roundSettingsFromConfig(config, experiment),
      policy: createSamplingPolicy(config.database.sampling),
      retrieve: null,
      designer: options.designer ?? createBuiltinDesigner(),
      novelty: null,
      engineer,
      analyst: options.analyst ?? createRuleBasedAnalyst(),
      fallbackAnalyst: createRuleBasedAnalyst(),
    },
    settings: loopSettingsFromConfig(config, experiment),
    recordFound: options.recordFound ?? null,
    liveNotices: options.liveNotices ?? null,
  };
}
