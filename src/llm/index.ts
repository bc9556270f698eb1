export type { ChatMessage, FinishReason, GenerateOptions, GenerateResult, LanguageModel } from './model.js';
export { LlmCallError, LlmRetriesExhaustedError, isAbortError, type LlmCallFailure } from './errors.js';
export { resolveApiKey, isLocalBaseURL } from './api-key.js';
export { createOpenAICompatible, type OpenAICompatibleOptions } from './providers/openai-compatible.js';
export { withRetry, type RetryOptions, type RetryInfo } from './wrappers/retry.js';
export { withDeadline, type DeadlineOptions } from './wrappers/deadline.js';
export { withRecorder, type LlmCallRecordDraft, type RecorderOptions } from './wrappers/recorder.js';
export { buildModelStack, type ModelStackOptions } from './model-stack.js';
export { costOf, priceOf, builtinPrices, PRICES_AS_OF, type Cost, type ModelPrice, type Pricing } from './pricing.js';
export { BudgetReachedError, isFatal, type BudgetLimitKind } from './errors.js';
export { CHARS_PER_TOKEN, estimateTokens, estimatePromptTokens } from './token-estimate.js';
export {
  MAIN_MODEL,
  ROLE_NAMES,
  mainModelSettings,
  namedModelSettings,
  pricingOf,
  resolveRoleTarget,
  type ModelSettings,
  type ProviderName,
  type RoleName,
  type RoleTarget,
} from './model-settings.js';
export {
  createProvider,
  providerDescriptor,
  providerNames,
  registerProvider,
  type ProviderContext,
  type ProviderDescriptor,
} from './provider-registry.js';
export { createRoleModels, longestCallMs, type RoleModels, type RoleModelsOptions } from './role-models.js';
export { createEnsemble, type EnsembleMember, type EnsembleModel } from './ensemble.js';
export {
  BudgetTracker,
  withBudget,
  type BudgetLimits,
  type BudgetOptions,
  type Reservation,
  type Spend,
} from './wrappers/budget.js';
export { createAnthropic, ANTHROPIC_BASE_URL, type AnthropicOptions } from './providers/anthropic.js';
export {
  createLlamaCpp,
  NODE_LLAMA_CPP_VERSION,
  type LlamaCppModel,
  type LlamaCppOptions,
} from './providers/llama-cpp.js';
export { checkGgufFile } from './providers/gguf-file.js';
export { createReplayModel, type ReplayMatch, type ReplayOptions } from './providers/replay.js';
export { readRecordedCalls, type RecordedCall } from './providers/replay-source.js';
export { displayURL, redactSecrets } from './providers/sdk-errors.js';
export {
  TRIM_ORDER,
  checkContextBudget,
  describeTrimmed,
  fitDesignContext,
  omissionNote,
  trimPromptParts,
  withContextFit,
  type FittableDesigner,
  type ContextCheck,
  type FitResult,
  type FittableContext,
  type PromptPart,
  type RolePrompt,
  type TrimKind,
  type TrimmedPart,
  type TrimResult,
} from './context-budget.js';
export { knownSecrets, secretRedactor, withReplyRedaction } from './known-secrets.js';
