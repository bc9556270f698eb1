import { messageOf } from '../../errors.js';
import type { JsonObject, LlmCallRecord, TokenUsage } from '../../domain/index.js';
import type { GenerateOptions, GenerateResult, LanguageModel } from '../model.js';
import { costOf, type Pricing } from '../pricing.js';

/** An LLM call as the recorder reports it; the loop adds `nodeId` and `step`. */
export type LlmCallRecordDraft = Omit<LlmCallRecord, 'nodeId' | 'step'>;

export interface RecorderOptions {
  /** `researcher`, `analyzer`, `judge`… */
  role: string;
  /** Receives each attempt, success or failure. An error it throws fails the call. */
  onCall: (record: LlmCallRecordDraft) => void;
  pricing?: Pricing;
  /** Applied to every text of a record (prompts, reply, error) before `onCall` sees it: removes known secrets. */
  redact?: (text: string) => string;
}

const unknownUsage: TokenUsage = { inputTokens: undefined, cachedInputTokens: undefined, outputTokens: undefined };

function requestOf(options: GenerateOptions, redact: (text: string) => string): JsonObject {
  const request: JsonObject = {
    system: options.system === undefined ? null : redact(options.system),
    messages: options.messages.map((message) => ({ role: message.role, content: redact(message.content) })),
  };
  if (options.maxOutputTokens !== undefined) request['maxOutputTokens'] = options.maxOutputTokens;
  if (options.temperature !== undefined) request['temperature'] = options.temperature;
  if (options.seed !== undefined) request['seed'] = options.seed;
  if (options.stop !== undefined) request['stop'] = [...options.stop];
  if (options.providerOptions !== undefined) {
    request['providerOptions'] = JSON.parse(JSON.stringify(options.providerOptions)) as JsonObject;
  }
  return request;
}

/**
 * Wraps a model so that every call it makes is reported to `onCall` with its request,
 * response, usage, cost, duration and error.
 *
 * Place it inside `withRetry` (`withRetry(withRecorder(withDeadline(base)))`, as
 * `buildModelStack` does) so that each attempt is a record of its own: a failed attempt
 * costs time and sometimes money, and a transcript that hides it misleads. Attempts of
 * one call are numbered by the options object they share, which `withRetry` keeps.
 *
 * @example
 * const model = withRecorder(base, { role: 'researcher', onCall: (record) => calls.push(record) });
 */
export function withRecorder(model: LanguageModel, options: RecorderOptions): LanguageModel {
  const attempts = new WeakMap<GenerateOptions, number>();
  const redact = options.redact ?? ((text: string) => text);
  return {
    provider: model.provider,
    modelId: model.modelId,
    contextWindow: model.contextWindow,
    async generate(generateOptions) {
      const attempt = (attempts.get(generateOptions) ?? 0) + 1;
      attempts.set(generateOptions, attempt);
      const createdAt = new Date().toISOString();
      const started = performance.now();
      const base = {
        role: options.role,
        provider: model.provider,
        modelId: model.modelId,
        request: requestOf(generateOptions, redact),
        attempt,
        createdAt,
      };
      let result: GenerateResult;
      try {
        result = await model.generate(generateOptions);
      } catch (error) {
        options.onCall({
          ...base,
          responseText: '',
          usage: unknownUsage,
          costUsd: 0,
          durationMs: Math.round(performance.now() - started),
          error: redact(messageOf(error)),
        });
        throw error;
      }
      const respondingModel = result.response.modelId;
      let cost = costOf(respondingModel ?? model.modelId, result.usage, options.pricing);
      if (!cost.priced && respondingModel !== undefined) cost = costOf(model.modelId, result.usage, options.pricing);
      options.onCall({
        ...base,
        responseText: redact(result.text),
        usage: { ...result.usage },
        costUsd: cost.costUsd,
        durationMs: Math.round(performance.now() - started),
        error: null,
      });
      return result;
    },
  };
}
