import type { GenerateOptions, GenerateResult, LanguageModel } from '../model.js';

/** One scripted answer: a text, a function of the call that returns one, or an error to throw. */
export type ScriptedResponse = string | ((options: GenerateOptions, callIndex: number) => string) | Error;

export interface ScriptedModelOptions {
  /** @default 'scripted' */
  provider?: string;
  /** @default 'scripted-model' */
  modelId?: string;
  contextWindow?: number;
}

/** A scripted model, plus every options object it was called with. */
export interface ScriptedModel extends LanguageModel {
  readonly calls: GenerateOptions[];
}

const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

/**
 * A test double: a model that answers from a script, in order, and keeps the options of
 * each call in `calls`. Usage is estimated at four characters per token. A call past the
 * end of the script throws.
 *
 * @example
 * const model = createScriptedModel(['<name>a</name>', new Error('boom')]);
 */
export function createScriptedModel(responses: ScriptedResponse[], options: ScriptedModelOptions = {}): ScriptedModel {
  const calls: GenerateOptions[] = [];
  const modelId = options.modelId ?? 'scripted-model';
  return {
    provider: options.provider ?? 'scripted',
    modelId,
    contextWindow: options.contextWindow,
    calls,
    async generate(generateOptions): Promise<GenerateResult> {
      const callIndex = calls.length;
      calls.push(generateOptions);
      generateOptions.abortSignal?.throwIfAborted();
      const response = responses[callIndex];
      if (response === undefined) {
        throw new Error(`The scripted model has ${responses.length} responses; call ${callIndex + 1} has none`);
      }
      if (response instanceof Error) throw response;
      const text = typeof response === 'function' ? response(generateOptions, callIndex) : response;
      const prompt = [generateOptions.system ?? '', ...generateOptions.messages.map((message) => message.content)].join(
        '\n',
      );
      return {
        text,
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: { inputTokens: estimateTokens(prompt), cachedInputTokens: 0, outputTokens: estimateTokens(text) },
        response: { id: `scripted-${callIndex + 1}`, modelId },
      };
    },
  };
}
