import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { LlmCallError } from '../errors.js';
import type { GenerateOptions, GenerateResult, LanguageModel } from '../model.js';
import { mapFinishReason } from './openai-finish-reason.js';
import { toLlmCallError } from './openai-errors.js';
import { displayURL, type ErrorContext } from './sdk-errors.js';
import { timerDelayMs } from '../wrappers/sleep.js';
import { generateStreamed } from './openai-stream.js';
import { nodeHttpFetch } from './node-http-fetch.js';

export interface OpenAICompatibleOptions {
  /** e.g. `https://api.openai.com/v1`, `http://127.0.0.1:11434/v1` */
  baseURL: string;
  /** Undefined only for servers that need none (a placeholder is sent). */
  apiKey: string | undefined;
  modelId: string;
  /** Provider name shown in records; also a `providerOptions` key. @default 'openai-compatible' */
  name?: string;
  contextWindow?: number;
  /** Milliseconds the SDK waits for one request. @default 300000 */
  timeoutMs?: number;
  defaultTemperature?: number;
  defaultMaxTokens?: number;
  /** Reasoning models: sent as `max_completion_tokens` instead of `max_tokens`. */
  maxCompletionTokens?: number;
  /** Reasoning models: `reasoning_effort`. */
  reasoningEffort?: string;
  /** Stream the answer over SSE (with usage in the last chunk). @default false */
  stream?: boolean;
  /** Streaming only: milliseconds without a chunk (or before the first) after which the call is abandoned. @default 120000 */
  idleTimeoutMs?: number;
  fetch?: typeof fetch;
}

function buildBody(
  options: GenerateOptions,
  settings: OpenAICompatibleOptions,
  providerName: string,
): ChatCompletionCreateParamsNonStreaming {
  const messages: ChatCompletionCreateParamsNonStreaming['messages'] = [];
  if (options.system !== undefined && options.system !== '') messages.push({ role: 'system', content: options.system });
  for (const message of options.messages) messages.push({ role: message.role, content: message.content });
  const extra = {
    ...(options.providerOptions?.['openai'] ?? {}),
    ...(providerName === 'openai' ? {} : (options.providerOptions?.[providerName] ?? {})),
  };
  const body: Record<string, unknown> = {
    model: settings.modelId,
    messages,
    temperature: options.temperature ?? settings.defaultTemperature,
    seed: options.seed,
    stop: options.stop && options.stop.length > 0 ? options.stop : undefined,
  };
  if (settings.reasoningEffort !== undefined) body['reasoning_effort'] = settings.reasoningEffort;
  // Reasoning models refuse `max_tokens` next to `max_completion_tokens`.
  if (settings.maxCompletionTokens !== undefined && !('max_tokens' in extra)) {
    body['max_completion_tokens'] = options.maxOutputTokens ?? settings.maxCompletionTokens;
  } else if (!('max_completion_tokens' in extra)) {
    body['max_tokens'] = options.maxOutputTokens ?? settings.defaultMaxTokens;
  }
  for (const [key, value] of Object.entries(extra)) {
    // `null` removes a field, e.g. `temperature: null` for models that accept only the default.
    if (value === null) delete body[key];
    else body[key] = value;
  }
  for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
  body['stream'] = false;
  return body as unknown as ChatCompletionCreateParamsNonStreaming;
}

function toResult(completion: ChatCompletion, context: ErrorContext): GenerateResult {
  const choice = Array.isArray(completion?.choices) ? completion.choices[0] : undefined;
  if (!choice || typeof choice.message !== 'object' || choice.message === null) {
    throw new LlmCallError(`${context.provider} (${context.modelId}) sent a response without choices`, {
      reason: 'invalid-response',
      isRetryable: true,
      provider: context.provider,
      modelId: context.modelId,
    });
  }
  const usage = completion.usage;
  return {
    text: typeof choice.message.content === 'string' ? choice.message.content : '',
    finishReason: { unified: mapFinishReason(choice.finish_reason), raw: choice.finish_reason ?? undefined },
    usage: {
      inputTokens: usage?.prompt_tokens,
      cachedInputTokens: usage?.prompt_tokens_details?.cached_tokens,
      outputTokens: usage?.completion_tokens,
    },
    response: { id: completion.id, modelId: completion.model },
    raw: completion,
  };
}

/**
 * A model served by any OpenAI-compatible chat endpoint (OpenAI, DeepSeek, vLLM, SGLang,
 * Ollama, llama.cpp server, OpenRouter…). The SDK's own retries are off: wrap the model in
 * `withRetry`. Failures are thrown as `LlmCallError`; aborts as the signal's reason.
 * With `stream: true` the answer arrives over SSE, and a stream silent for `idleTimeoutMs`
 * (before its first chunk or after any) is abandoned with a retryable timeout.
 *
 * @example
 * const model = createOpenAICompatible({ baseURL: 'http://127.0.0.1:11434/v1', apiKey: undefined, modelId: 'qwen3:8b' });
 * const { text } = await model.generate({ messages: [{ role: 'user', content: 'Hi' }] });
 */
export function createOpenAICompatible(options: OpenAICompatibleOptions): LanguageModel {
  const provider = options.name ?? 'openai-compatible';
  const client = new OpenAI({
    baseURL: options.baseURL,
    apiKey: options.apiKey ?? 'no-key',
    organization: null,
    project: null,
    maxRetries: 0,
    timeout: timerDelayMs(options.timeoutMs ?? 300_000),
    logLevel: 'off',
    // A streamed answer keeps the SDK's fetch (the global one: its body is read as it arrives); a
    // whole answer costs half the CPU over node:http.
    ...(options.fetch ? { fetch: options.fetch } : options.stream ? {} : { fetch: nodeHttpFetch }),
  });
  const context: ErrorContext = {
    provider,
    modelId: options.modelId,
    baseURL: displayURL(options.baseURL),
    apiKey: options.apiKey,
  };
  return {
    provider,
    modelId: options.modelId,
    contextWindow: options.contextWindow,
    async generate(generateOptions) {
      generateOptions.abortSignal?.throwIfAborted();
      if (options.stream) {
        return generateStreamed(client, buildBody(generateOptions, options, provider), {
          context,
          idleTimeoutMs: options.idleTimeoutMs ?? 120_000,
          abortSignal: generateOptions.abortSignal,
        });
      }
      let completion: ChatCompletion;
      try {
        completion = await client.chat.completions.create(buildBody(generateOptions, options, provider), {
          ...(generateOptions.abortSignal ? { signal: generateOptions.abortSignal } : {}),
        });
      } catch (error) {
        generateOptions.abortSignal?.throwIfAborted();
        throw toLlmCallError(error, context) ?? error;
      }
      return toResult(completion, context);
    },
  };
}
