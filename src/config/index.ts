export { type Config, type ConfigInput, type RoleName, ROLE_NAMES, configSchema } from './schema.js';
export { ConfigError, type ConfigIssue } from './errors.js';
export {
  loadConfig,
  resolveConfig,
  readConfigFile,
  mergeValues,
  type ConfigLayer,
  type LoadConfigOptions,
} from './load.js';
export { isRunOutput, resolveExperiment, type Experiment } from './experiment.js';
export {
  MAX_EDITABLE_BYTES,
  MAX_EDITABLE_FILES,
  editableMatcher,
  projectFileStamps,
  readProjectContext,
  unwritableProjectPath,
  readProjectSeed,
  type ProjectContextFile,
  type ProjectSeed,
} from './project.js';
export { configJsonSchema, configSchemaFileName, configSchemaModeline, writeConfigSchema } from './json-schema.js';
export {
  compatibilityKeys,
  compatibilityKeysSet,
  describeCompatibilityKeys,
  type CompatibilityKey,
} from './compat-keys.js';
export {
  OPENAI_DEFAULT_KEY_ENV,
  OPENAI_DEFAULT_URL,
  PROVIDER_NAMES,
  llmProviderSpec,
  llmProviderSpecs,
  type LlmProviderSpec,
  type ProviderName,
} from './llm-providers.js';
export { objectiveSettings } from './objectives.js';
