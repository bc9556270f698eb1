/**
 * asi-evolve as a library: what `import { … } from 'asi-evolve'` offers. Deliberately small —
 * open an experiment folder, run its loop, read what was stored — plus the three interfaces a
 * caller may implement (a sampling policy, a language model, an executor) and the built-in
 * ones by name. Everything else is internal and may change between versions.
 *
 * @example
 * import { openExperiment } from 'asi-evolve';
 * const opened = openExperiment('my-experiment', { overrides: { run: { steps: 10 } } });
 * try {
 *   const summary = await opened.run();
 *   console.log(summary.best?.evalScore);
 * } finally {
 *   opened.close();
 * }
 */

// Experiments: open a folder, run (or resume) its loop, read nodes.
export {
  openExperiment,
  type ExperimentReader,
  type ExperimentRunOptions,
  type OpenedExperiment,
  type OpenExperimentOptions,
  type LoopEvent,
  type RunSummary,
} from './loop/index.js';
export {
  configSchema,
  loadConfig,
  resolveExperiment,
  type Config,
  type ConfigInput,
  type Experiment,
  type LoadConfigOptions,
} from './config/index.js';
export type { NodeRecord, NodeSummary, RunEvent, SpendSummary, StoredLlmCall } from './store/index.js';

// Sampling policies: the interface, and the built-in ones by `database.sampling.algorithm`.
export {
  createSamplingPolicy,
  registerSamplingPolicy,
  samplingAlgorithms,
  type SampleableNode,
  type SamplingAlgorithm,
  type SamplingConfig,
  type SamplingPolicy,
  type Selection,
  type SelectOptions,
} from './sampling/index.js';

// Language models: the interface, and the providers by `api.provider`.
export {
  createProvider,
  providerDescriptor,
  providerNames,
  registerProvider,
  type ChatMessage,
  type GenerateOptions,
  type GenerateResult,
  type LanguageModel,
  type ModelSettings,
  type ProviderContext,
  type ProviderDescriptor,
  type ProviderName,
} from './llm/index.js';

// Executors: where evaluations run, and the built-in ones by `cluster.executor`.
export {
  createExecutorFromConfig,
  createLocalExecutor,
  createQueueExecutor,
  createSlurmExecutor,
  type Executor,
  type LocalExecutorOptions,
  type QueueExecutorOptions,
  type SlurmExecutorOptions,
} from './cluster/index.js';
export type { EvaluationJob, EvaluationOutcome } from './evaluation/index.js';

// Errors: every deliberate failure is an AsiEvolveError with a stable code.
export { AsiEvolveError, type ErrorCode } from './errors.js';
