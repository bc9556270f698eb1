export type { ChatMessage, FinishReason, GenerateOptions, GenerateResult, LanguageModel } from './model.js';
export { LlmCallError, LlmRetriesExhaustedError, isAbortError, type LlmCallFailure } from './errors.js';
export { resolveApiKey, isLocalBaseURL } from './api-key.js';
export { createOpenAICompatible, type OpenAICompatibleOptions } from './providers/openai-compatible.js';
export {
  createScriptedModel,
  type ScriptedModel,
  type ScriptedModelOptions,
  type ScriptedResponse,
} from './providers/scripted.js';
export { withRetry, type RetryOptions, type RetryInfo } from './wrappers/retry.js';
export { withDeadline, type DeadlineOptions } from './wrappers/deadline.js';
export { withRecorder, type LlmCallRecordDraft, type RecorderOptions } from './wrappers/recorder.js';
export { buildModelStack, type ModelStackOptions } from './model-stack.js';
export { costOf, priceOf, builtinPrices, PRICES_AS_OF, type Cost, type ModelPrice, type Pricing } from './pricing.js';
export {
  createModelFromConfig,
  type CreateModelOptions,
  type ModelFromConfig,
  type RoleRecording,
} from './create-model.js';
