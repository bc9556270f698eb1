import type Anthropic from '@anthropic-ai/sdk';
import { llmProviderSpecs } from '../../config/index.js';
import type {
  Message,
  MessageCreateParamsNonStreaming,
  RawMessageStreamEvent,
} from '@anthropic-ai/sdk/resources/messages/messages';
import { LlmCallError } from '../errors.js';
import type { FinishReason, GenerateOptions, GenerateResult, LanguageModel } from '../model.js';
import { watchIdle } from './idle-watchdog.js';
import { displayURL, type ErrorContext } from './sdk-errors.js';
import { timerDelayMs } from '../wrappers/sleep.js';
import { nodeHttpFetch } from './node-http-fetch.js';

/** Anthropic's API, when no base URL is configured. */
export const ANTHROPIC_BASE_URL = llmProviderSpecs.anthropic.defaultBaseURL;

export interface AnthropicOptions {
  /** @default ANTHROPIC_BASE_URL */
  baseURL?: string;
  apiKey: string | undefined;
  modelId: string;
  contextWindow?: number;
  /** Milliseconds the SDK waits for one request. @default 300000 */
  timeoutMs?: number;
  defaultTemperature?: number;
  /** Anthropic requires `max_tokens` on every call. @default 8192 */
  defaultMaxTokens?: number;
  /** Stream the answer (SSE events); a stream silent for `idleTimeoutMs` is abandoned. @default false */
  stream?: boolean;
  /** @default 120000 */
  idleTimeoutMs?: number;
  fetch?: typeof fetch;
}

const stopReasons: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  refusal: 'content-filter',
  tool_use: 'other',
  pause_turn: 'other',
};

function mapStopReason(raw: string | null | undefined): FinishReason {
  if (raw === null || raw === undefined) return 'unknown';
  return stopReasons[raw] ?? 'other';
}

interface AnthropicUsageLike {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

/** Anthropic's `input_tokens` leaves out cache reads and writes; ours counts every input token. */
function toUsage(
  usage: AnthropicUsageLike | undefined,
  outputTokens: number | null | undefined,
): GenerateResult['usage'] {
  if (!usage) return { inputTokens: undefined, cachedInputTokens: undefined, outputTokens: outputTokens ?? undefined };
  const cached = usage.cache_read_input_tokens ?? 0;
  const input =
    usage.input_tokens === null || usage.input_tokens === undefined
      ? undefined
      : usage.input_tokens + cached + (usage.cache_creation_input_tokens ?? 0);
  return {
    inputTokens: input,
    cachedInputTokens: usage.cache_read_input_tokens ?? undefined,
    outputTokens: outputTokens ?? undefined,
  };
}

function buildParams(options: GenerateOptions, settings: AnthropicOptions): MessageCreateParamsNonStreaming {
  const params: Record<string, unknown> = {
    model: settings.modelId,
    max_tokens: options.maxOutputTokens ?? settings.defaultMaxTokens ?? 8192,
    messages: options.messages.map((message) => ({ role: message.role, content: message.content })),
  };
  if (options.system !== undefined && options.system !== '') params['system'] = options.system;
  const temperature = options.temperature ?? settings.defaultTemperature;
  // Anthropic accepts 0–1.
  if (temperature !== undefined) params['temperature'] = Math.min(1, temperature);
  if (options.stop && options.stop.length > 0) params['stop_sequences'] = options.stop;
  for (const [key, value] of Object.entries(options.providerOptions?.['anthropic'] ?? {})) {
    if (value === null) delete params[key];
    else params[key] = value;
  }
  return params as unknown as MessageCreateParamsNonStreaming;
}

function fromMessage(message: Message): GenerateResult {
  const text = (Array.isArray(message.content) ? message.content : [])
    .map((block) => (block.type === 'text' ? block.text : ''))
    .join('');
  return {
    text,
    finishReason: { unified: mapStopReason(message.stop_reason), raw: message.stop_reason ?? undefined },
    usage: toUsage(message.usage, message.usage?.output_tokens),
    response: { id: message.id, modelId: message.model },
    raw: message,
  };
}

/** What the first call loads: the SDK and the mapping of its errors. */
interface AnthropicSdk {
  Anthropic: typeof Anthropic;
  toAnthropicCallError: (error: unknown, context: ErrorContext) => LlmCallError | undefined;
}

let sdkLoading: Promise<AnthropicSdk> | undefined;

/**
 * The SDK is loaded at the first call, not with this module: it is some 270 modules, which a run
 * whose models are all elsewhere would load at every start and keep in memory for nothing.
 */
function loadSdk(): Promise<AnthropicSdk> {
  sdkLoading ??= Promise.all([import('@anthropic-ai/sdk'), import('./anthropic-errors.js')]).then(([sdk, errors]) => ({
    Anthropic: sdk.default,
    toAnthropicCallError: errors.toAnthropicCallError,
  }));
  return sdkLoading;
}

async function generateStreamed(
  client: Anthropic,
  toAnthropicCallError: AnthropicSdk['toAnthropicCallError'],
  params: MessageCreateParamsNonStreaming,
  context: ErrorContext,
  idleTimeoutMs: number,
  abortSignal: AbortSignal | undefined,
): Promise<GenerateResult> {
  let events = 0;
  let text = '';
  let start: Message | undefined;
  let stopReason: string | null | undefined;
  let outputTokens: number | null | undefined;
  let stopped = false;
  const where = `${context.provider} (${context.modelId} at ${context.baseURL})`;
  const watchdog = watchIdle({
    idleMs: idleTimeoutMs,
    signal: abortSignal,
    onIdle: () =>
      new LlmCallError(
        `${where} ${events === 0 ? 'sent nothing' : `stopped sending after ${events} events`} for ${idleTimeoutMs} ms; the stream was abandoned`,
        { reason: 'timeout', isRetryable: true, provider: context.provider, modelId: context.modelId },
      ),
  });
  try {
    const stream = await client.messages.create({ ...params, stream: true }, { signal: watchdog.signal });
    watchdog.touch();
    for await (const event of stream as AsyncIterable<RawMessageStreamEvent>) {
      watchdog.touch();
      events++;
      if (event.type === 'message_start') start = event.message;
      else if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
      else if (event.type === 'message_delta') {
        stopReason = event.delta.stop_reason;
        outputTokens = event.usage.output_tokens;
      } else if (event.type === 'message_stop') stopped = true;
    }
  } catch (error) {
    abortSignal?.throwIfAborted();
    if (watchdog.idleError) throw watchdog.idleError;
    throw toAnthropicCallError(error, context) ?? error;
  } finally {
    watchdog.stop();
  }
  // An aborted stream may end quietly instead of throwing: say why it ended.
  abortSignal?.throwIfAborted();
  if (watchdog.idleError) throw watchdog.idleError;
  if (!stopped) {
    throw new LlmCallError(`${where} ended the stream after ${events} events without message_stop`, {
      reason: 'invalid-response',
      isRetryable: true,
      provider: context.provider,
      modelId: context.modelId,
    });
  }
  return {
    text,
    finishReason: { unified: mapStopReason(stopReason), raw: stopReason ?? undefined },
    usage: toUsage(start?.usage, outputTokens ?? start?.usage?.output_tokens),
    response: { id: start?.id, modelId: start?.model },
    raw: {
      streamed: true,
      id: start?.id ?? null,
      model: start?.model ?? null,
      events,
      stop_reason: stopReason ?? null,
    },
  };
}

/**
 * A model behind Anthropic's Messages API, through `@anthropic-ai/sdk` with its own retries
 * off (wrap it in `withRetry`). Usage counts cache reads as input, as the price table expects.
 * With `stream: true` it reads the SSE event stream and abandons a silent one after `idleTimeoutMs`.
 *
 * @example
 * const model = createAnthropic({ apiKey: process.env.ANTHROPIC_API_KEY, modelId: 'claude-sonnet-4-5' });
 */
export function createAnthropic(options: AnthropicOptions): LanguageModel {
  const provider = 'anthropic';
  const baseURL = options.baseURL ?? ANTHROPIC_BASE_URL;
  let connecting:
    Promise<{ client: Anthropic; toAnthropicCallError: AnthropicSdk['toAnthropicCallError'] }> | undefined;
  const connect = (): NonNullable<typeof connecting> =>
    (connecting ??= loadSdk().then((sdk) => ({
      toAnthropicCallError: sdk.toAnthropicCallError,
      client: new sdk.Anthropic({
        baseURL,
        apiKey: options.apiKey ?? 'no-key',
        maxRetries: 0,
        timeout: timerDelayMs(options.timeoutMs ?? 300_000),
        logLevel: 'off',
        openTelemetry: false,
        // As for OpenAI-compatible endpoints: a whole answer over node:http, a streamed one through the SDK's fetch.
        ...(options.fetch ? { fetch: options.fetch } : options.stream ? {} : { fetch: nodeHttpFetch }),
      }),
    })));
  const context: ErrorContext = {
    provider,
    modelId: options.modelId,
    baseURL: displayURL(baseURL),
    apiKey: options.apiKey,
  };
  return {
    provider,
    modelId: options.modelId,
    contextWindow: options.contextWindow,
    async generate(generateOptions) {
      generateOptions.abortSignal?.throwIfAborted();
      const params = buildParams(generateOptions, options);
      const { client, toAnthropicCallError } = await connect();
      if (options.stream)
        return generateStreamed(
          client,
          toAnthropicCallError,
          params,
          context,
          options.idleTimeoutMs ?? 120_000,
          generateOptions.abortSignal,
        );
      let message: Message;
      try {
        message = await client.messages.create(
          params,
          generateOptions.abortSignal ? { signal: generateOptions.abortSignal } : {},
        );
      } catch (error) {
        generateOptions.abortSignal?.throwIfAborted();
        throw toAnthropicCallError(error, context) ?? error;
      }
      if (typeof message !== 'object' || message === null || !Array.isArray(message.content)) {
        throw new LlmCallError(`${provider} (${options.modelId}) sent a response without content`, {
          reason: 'invalid-response',
          isRetryable: true,
          provider,
          modelId: options.modelId,
        });
      }
      return fromMessage(message);
    },
  };
}
