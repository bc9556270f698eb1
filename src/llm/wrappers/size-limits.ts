import { AsiEvolveError } from '../../errors.js';
import { LlmCallError } from '../errors.js';
import type { LanguageModel } from '../model.js';
import { estimatePromptTokens } from '../token-estimate.js';

/** The smallest reply limit: far beyond what any model writes within its output tokens. */
export const MIN_REPLY_CHARS = 1_000_000;

/** Characters per output token allowed before a reply counts as oversized (tokens average about 4). */
const REPLY_CHARS_PER_TOKEN = 16;

/**
 * The longest reply accepted from a model allowed `maxOutputTokens`: a reply beyond it did not
 * come from a model honouring its limit (a broken or hostile endpoint) and is discarded.
 * @example replyCharLimit(8192) // 1 000 000
 */
export function replyCharLimit(maxOutputTokens: number | undefined): number {
  return Math.max(MIN_REPLY_CHARS, (maxOutputTokens ?? 0) * REPLY_CHARS_PER_TOKEN);
}

/**
 * A prompt larger than the model's whole context window, refused before it was sent: the model
 * could not read it, and a provider would charge for the attempt or fail after uploading it.
 * Not fatal to a run: the round (or the agent's part of it) fails, and the next goes on.
 */
export class PromptTooLongError extends AsiEvolveError {
  readonly promptTokens: number;
  readonly contextWindow: number;

  constructor(message: string, details: { promptTokens: number; contextWindow: number }) {
    super('LLM_PROMPT_TOO_LONG', message, {
      hint: 'a stored program, result or analysis is too large for the model; lower pipeline.researcher.max_code_length, or set a larger context_window if the model has one',
    });
    this.name = 'PromptTooLongError';
    this.promptTokens = details.promptTokens;
    this.contextWindow = details.contextWindow;
  }

  static override isInstance(value: unknown): value is PromptTooLongError {
    return AsiEvolveError.isInstance(value) && value.code === 'LLM_PROMPT_TOO_LONG';
  }
}

/**
 * Wraps a model so that a prompt whose estimated tokens exceed `maxPromptTokens` (default: the
 * model's context window) is refused with a {@link PromptTooLongError} before it is sent.
 * Place it outside the recorder and the retry: a refused prompt is neither stored nor retried.
 * @example
 * const model = withPromptLimit(withRetry(stack, retry), { maxPromptTokens: 128_000 });
 */
export function withPromptLimit(model: LanguageModel, options: { maxPromptTokens?: number } = {}): LanguageModel {
  const limit = options.maxPromptTokens ?? model.contextWindow;
  if (limit === undefined) return model;
  return {
    provider: model.provider,
    modelId: model.modelId,
    contextWindow: model.contextWindow,
    generate(generateOptions) {
      const promptTokens = estimatePromptTokens(generateOptions);
      if (promptTokens > limit) {
        const message = `the prompt for ${model.modelId} (~${promptTokens} tokens) exceeds its ${limit}-token context window; it was not sent`;
        return Promise.reject(new PromptTooLongError(message, { promptTokens, contextWindow: limit }));
      }
      return model.generate(generateOptions);
    },
  };
}

/**
 * Wraps a model so that a reply longer than `maxReplyChars` is discarded: the call fails with a
 * retryable `LlmCallError` (reason `invalid-response`) that holds only the reply's length, so the
 * reply is never shown to the model again, stored, or parsed. Place it inside the recorder.
 * @example
 * const model = withRecorder(withReplyLimit(withDeadline(base, deadline), { maxReplyChars: replyCharLimit(8192) }), recorder);
 */
export function withReplyLimit(model: LanguageModel, options: { maxReplyChars: number }): LanguageModel {
  if (!(options.maxReplyChars > 0)) {
    throw new TypeError(`Expected \`maxReplyChars\` to be a positive number, got ${options.maxReplyChars}`);
  }
  return {
    provider: model.provider,
    modelId: model.modelId,
    contextWindow: model.contextWindow,
    async generate(generateOptions) {
      const result = await model.generate(generateOptions);
      if (result.text.length <= options.maxReplyChars) return result;
      throw new LlmCallError(
        `${model.provider} (${model.modelId}) replied with ${result.text.length} characters, over the ${options.maxReplyChars}-character limit for a reply; the reply was discarded`,
        { reason: 'invalid-response', isRetryable: true, provider: model.provider, modelId: model.modelId },
      );
    },
  };
}
