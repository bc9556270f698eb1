import { LlmCallError } from '../errors.js';
import type { GenerateOptions, GenerateResult, LanguageModel } from '../model.js';
import type { RecordedCall } from './replay-source.js';

/** `prompt`: serve the recorded answer to the same prompt; `order`: serve answers in recorded order. */
export type ReplayMatch = 'prompt' | 'order';

export interface ReplayOptions {
  /** The recorded attempts of one role, oldest first. */
  calls: readonly RecordedCall[];
  /** For messages, e.g. `researcher`. */
  role: string;
  /** Where the calls came from, for messages. */
  source: string;
  /** @default 'prompt' */
  match?: ReplayMatch;
  /** @default the recorded model id */
  modelId?: string;
  contextWindow?: number;
}

interface Prompt {
  system: string;
  messages: { role: string; content: string }[];
}

function promptOf(request: RecordedCall['request']): Prompt {
  const system = typeof request['system'] === 'string' ? request['system'] : '';
  const messages = Array.isArray(request['messages'])
    ? request['messages'].map((message) => {
        const entry = (
          typeof message === 'object' && message !== null && !Array.isArray(message) ? message : {}
        ) as Record<string, unknown>;
        return { role: String(entry['role'] ?? ''), content: String(entry['content'] ?? '') };
      })
    : [];
  return { system, messages };
}

function promptText(prompt: Prompt): string {
  return [
    `[system]\n${prompt.system}`,
    ...prompt.messages.map((message) => `[${message.role}]\n${message.content}`),
  ].join('\n');
}

/** Where two texts first differ, with a little of each around it. */
export function firstDifference(recorded: string, now: string): string {
  let index = 0;
  while (index < recorded.length && index < now.length && recorded[index] === now[index]) index++;
  const excerpt = (text: string): string => JSON.stringify(text.slice(Math.max(0, index - 30), index + 50));
  return `at character ${index}: recorded ${excerpt(recorded)}, now ${excerpt(now)}`;
}

function refusal(message: string, modelId: string, hint?: string): LlmCallError {
  return new LlmCallError(message, { reason: 'other', isRetryable: false, provider: 'replay', modelId, hint });
}

/**
 * A model that answers with the responses an earlier run recorded, so a run can be reproduced
 * without any model and a bug can be replayed. Each recorded attempt is served once: a
 * recorded failure is thrown again as a retryable error (so retries replay too), a success is
 * returned with its recorded usage. With `match: 'prompt'` (the default) the call must send
 * the same system prompt and messages as the recorded one; a different prompt, or a call
 * after every recorded one was served, fails with a non-retryable error that says where the
 * prompts part.
 *
 * @example
 * const researcher = createReplayModel({ calls: calls.filter((call) => call.role === 'researcher'), role: 'researcher', source: dir });
 */
export function createReplayModel(options: ReplayOptions): LanguageModel {
  const match = options.match ?? 'prompt';
  const calls = options.calls;
  const prompts = calls.map((call) => promptText(promptOf(call.request)));
  const served = new Array<boolean>(calls.length).fill(false);
  let servedCount = 0;
  const modelId = options.modelId ?? calls[0]?.modelId ?? 'replay';

  const pick = (generateOptions: GenerateOptions): number => {
    const firstUnserved = served.indexOf(false);
    if (firstUnserved === -1) {
      throw refusal(
        `replay: all ${calls.length} recorded ${options.role} calls of ${options.source} have been served; this run makes more`,
        modelId,
        'The replayed run went further than the recorded one (more steps, or a different path).',
      );
    }
    if (match === 'order') return firstUnserved;
    const now = promptText({
      system: generateOptions.system ?? '',
      messages: generateOptions.messages.map((message) => ({ ...message })),
    });
    for (let index = firstUnserved; index < calls.length; index++) {
      if (!served[index] && prompts[index] === now) return index;
    }
    const difference = firstDifference(prompts[firstUnserved] ?? '', now);
    throw refusal(
      `replay: no unserved ${options.role} call of ${options.source} has this prompt (${servedCount} of ${calls.length} served); ` +
        `the next recorded one differs ${difference}`,
      modelId,
      'Prompts differ when the evaluator reports varying numbers (timings) or the config changed; ' +
        'set replay_match: order to serve the recorded answers in order regardless.',
    );
  };

  return {
    provider: 'replay',
    modelId,
    contextWindow: options.contextWindow,
    async generate(generateOptions): Promise<GenerateResult> {
      generateOptions.abortSignal?.throwIfAborted();
      const index = pick(generateOptions);
      const call = calls[index] as RecordedCall;
      served[index] = true;
      servedCount++;
      if (call.error !== null) {
        throw new LlmCallError(`replay of a recorded failure: ${call.error}`, {
          reason: 'other',
          isRetryable: true,
          provider: 'replay',
          modelId,
        });
      }
      return {
        text: call.responseText,
        finishReason: { unified: 'stop', raw: 'replay' },
        usage: { ...call.usage },
        response: { id: `replay-${index + 1}`, modelId: call.modelId },
      };
    },
  };
}
