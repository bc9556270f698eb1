import type OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { LlmCallError } from '../errors.js';
import type { GenerateResult } from '../model.js';
import { watchIdle } from './idle-watchdog.js';
import { mapFinishReason } from './openai-finish-reason.js';
import { toLlmCallError } from './openai-errors.js';
import type { ErrorContext } from './sdk-errors.js';

export interface StreamCallOptions {
  context: ErrorContext;
  idleTimeoutMs: number;
  abortSignal: AbortSignal | undefined;
}

interface StreamState {
  text: string;
  finishReason: string | undefined;
  usage: ChatCompletionChunk['usage'] | undefined;
  id: string | undefined;
  model: string | undefined;
  chunks: number;
}

function absorb(state: StreamState, chunk: ChatCompletionChunk): void {
  state.chunks++;
  state.id ??= chunk.id;
  state.model ??= chunk.model;
  const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
  if (choice) {
    state.text += choice.delta?.content ?? '';
    if (choice.finish_reason) state.finishReason = choice.finish_reason;
  }
  if (chunk.usage) state.usage = chunk.usage;
}

function idleError(context: ErrorContext, idleTimeoutMs: number, chunks: () => number): LlmCallError {
  const where = `${context.provider} (${context.modelId} at ${context.baseURL})`;
  const received = chunks();
  const what = received === 0 ? 'sent nothing' : `stopped sending after ${received} chunk${received === 1 ? '' : 's'}`;
  return new LlmCallError(`${where} ${what} for ${idleTimeoutMs} ms; the stream was abandoned`, {
    reason: 'timeout',
    isRetryable: true,
    provider: context.provider,
    modelId: context.modelId,
  });
}

/**
 * One streamed chat completion: text deltas are joined, usage comes from the last chunk
 * (`stream_options.include_usage`). A stream that is silent for `idleTimeoutMs`, or that ends
 * without a finish reason, fails with a retryable `LlmCallError`.
 */
export async function generateStreamed(
  client: OpenAI,
  body: ChatCompletionCreateParamsNonStreaming,
  options: StreamCallOptions,
): Promise<GenerateResult> {
  const { context } = options;
  const state: StreamState = {
    text: '',
    finishReason: undefined,
    usage: undefined,
    id: undefined,
    model: undefined,
    chunks: 0,
  };
  const watchdog = watchIdle({
    idleMs: options.idleTimeoutMs,
    signal: options.abortSignal,
    onIdle: () => idleError(context, options.idleTimeoutMs, () => state.chunks),
  });
  try {
    const stream = await client.chat.completions.create(
      { ...body, stream: true, stream_options: { include_usage: true } },
      { signal: watchdog.signal },
    );
    watchdog.touch();
    for await (const chunk of stream) {
      watchdog.touch();
      absorb(state, chunk);
    }
  } catch (error) {
    options.abortSignal?.throwIfAborted();
    if (watchdog.idleError) throw watchdog.idleError;
    throw toLlmCallError(error, context) ?? error;
  } finally {
    watchdog.stop();
  }
  // An aborted stream may end quietly instead of throwing: say why it ended.
  options.abortSignal?.throwIfAborted();
  if (watchdog.idleError) throw watchdog.idleError;
  if (state.finishReason === undefined) {
    throw new LlmCallError(
      `${context.provider} (${context.modelId} at ${context.baseURL}) ended the stream after ${state.chunks} chunks without a finish reason`,
      { reason: 'invalid-response', isRetryable: true, provider: context.provider, modelId: context.modelId },
    );
  }
  return {
    text: state.text,
    finishReason: { unified: mapFinishReason(state.finishReason), raw: state.finishReason },
    usage: {
      inputTokens: state.usage?.prompt_tokens,
      cachedInputTokens: state.usage?.prompt_tokens_details?.cached_tokens,
      outputTokens: state.usage?.completion_tokens,
    },
    response: { id: state.id, modelId: state.model },
    raw: {
      streamed: true,
      id: state.id ?? null,
      model: state.model ?? null,
      chunks: state.chunks,
      usage: state.usage ?? null,
    },
  };
}
