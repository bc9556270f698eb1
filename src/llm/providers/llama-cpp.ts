import { AsiEvolveError } from '../../errors.js';
import { LlmCallError } from '../errors.js';
import type { ChatMessage, GenerateOptions, GenerateResult, LanguageModel } from '../model.js';
import { checkGgufFile } from './gguf-file.js';

/** The version of the optional peer dependency this provider is written against. */
export const NODE_LLAMA_CPP_VERSION = '3.21.1';

// The few parts of node-llama-cpp's API used here (it is an optional peer dependency, so its
// types are not available at build time).
interface LlamaModelHandle {
  tokenize(text: string): readonly unknown[];
  createContext(options: { contextSize?: number; sequences?: number }): Promise<LlamaContextHandle>;
  dispose(): Promise<void>;
}
interface LlamaContextHandle {
  getSequence(): LlamaSequenceHandle;
  dispose(): Promise<void>;
}
interface LlamaSequenceHandle {
  dispose(): void;
}
type ChatHistoryItem =
  { type: 'system'; text: string } | { type: 'user'; text: string } | { type: 'model'; response: string[] };
interface LlamaChatSessionHandle {
  setChatHistory(history: ChatHistoryItem[]): void;
  prompt(
    text: string,
    options: {
      maxTokens?: number;
      temperature?: number;
      signal?: AbortSignal;
      customStopTriggers?: string[];
      seed?: number;
    },
  ): Promise<string>;
  dispose(): void;
}
/** What `import('node-llama-cpp')` provides, as far as this provider uses it. */
export interface NodeLlamaCppModule {
  getLlama(): Promise<{
    loadModel(options: { modelPath: string; gpuLayers?: number | 'auto' }): Promise<LlamaModelHandle>;
  }>;
  LlamaChatSession: new (options: {
    contextSequence: LlamaSequenceHandle;
    systemPrompt?: string;
  }) => LlamaChatSessionHandle;
}

export interface LlamaCppOptions {
  /** Absolute path of the GGUF file. */
  modelPath: string;
  /** Shown in records. @default the file name */
  modelId?: string;
  /** Context size in tokens. @default the model's training context */
  contextWindow?: number;
  defaultTemperature?: number;
  defaultMaxTokens?: number;
  /** The config key that named the file, for error messages. @default 'model_path' */
  key?: string;
  /** How the package is imported; tests replace it. @default () => import('node-llama-cpp') */
  importModule?: () => Promise<unknown>;
}

/** A local model that loads lazily on its first call (or on `load()`), and can be freed. */
export interface LlamaCppModel extends LanguageModel {
  load(): Promise<void>;
  dispose(): Promise<void>;
}

const packageName = 'node-llama-cpp';

function importPackage(): Promise<unknown> {
  // A variable specifier keeps TypeScript and bundlers from requiring the optional package.
  const specifier: string = packageName;
  return import(specifier);
}

function isModuleMissing(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  // Node says ERR_MODULE_NOT_FOUND "Cannot find package"; bundlers and test runners say "Could not resolve".
  return message.includes(packageName) && /Cannot find (package|module)|Could not resolve|not found/i.test(message);
}

function missingPackage(key: string, cause: unknown): AsiEvolveError {
  return new AsiEvolveError(
    'CONFIG_INVALID',
    `${key} uses a local GGUF model, but node-llama-cpp is not installed: install it with \`npm i node-llama-cpp@${NODE_LLAMA_CPP_VERSION}\``,
    {
      key,
      cause,
      hint: `Run \`npm i node-llama-cpp@${NODE_LLAMA_CPP_VERSION}\` in the folder asi-evolve runs from (about 700 MB with its prebuilt binaries), or choose another provider.`,
    },
  );
}

function toHistory(system: string | undefined, messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  if (system) history.push({ type: 'system', text: system });
  for (const message of messages) {
    history.push(
      message.role === 'user'
        ? { type: 'user', text: message.content }
        : { type: 'model', response: [message.content] },
    );
  }
  return history;
}

/**
 * A GGUF model run in this process by node-llama-cpp (an optional peer dependency, imported
 * only when this provider is configured). The file is checked when the model is created;
 * the package is imported and the weights loaded on the first call or on `load()`. Calls run
 * one at a time on one context sequence; usage is counted with the model's own tokenizer.
 *
 * @example
 * const model = createLlamaCpp({ modelPath: '/models/qwen2.5-coder-7b-q4_k_m.gguf', contextWindow: 16384 });
 * await model.load(); // optional: fail before round 1 rather than in it
 */
export function createLlamaCpp(options: LlamaCppOptions): LlamaCppModel {
  const key = options.key ?? 'model_path';
  checkGgufFile(options.modelPath, key);
  const modelId = options.modelId ?? options.modelPath.slice(options.modelPath.lastIndexOf('/') + 1);
  let loading:
    Promise<{ module: NodeLlamaCppModule; model: LlamaModelHandle; context: LlamaContextHandle }> | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const load = (): NonNullable<typeof loading> => {
    loading ??= (async () => {
      let module: NodeLlamaCppModule;
      try {
        module = (await (options.importModule ?? importPackage)()) as NodeLlamaCppModule;
      } catch (error) {
        throw isModuleMissing(error) ? missingPackage(key, error) : error;
      }
      if (typeof module?.getLlama !== 'function' || typeof module.LlamaChatSession !== 'function') {
        throw new AsiEvolveError(
          'CONFIG_INVALID',
          `node-llama-cpp does not look like version 3 (no getLlama / LlamaChatSession)`,
          {
            key,
            hint: `Install the supported version: \`npm i node-llama-cpp@${NODE_LLAMA_CPP_VERSION}\`.`,
          },
        );
      }
      const llama = await module.getLlama();
      const model = await llama.loadModel({ modelPath: options.modelPath });
      const context = await model.createContext({
        sequences: 1,
        ...(options.contextWindow ? { contextSize: options.contextWindow } : {}),
      });
      return { module, model, context };
    })();
    // A failed load may be retried by the next call (e.g. after installing the package).
    loading.catch(() => {
      loading = undefined;
    });
    return loading;
  };

  const run = async (generateOptions: GenerateOptions): Promise<GenerateResult> => {
    const { module, model, context } = await load();
    generateOptions.abortSignal?.throwIfAborted();
    const last = generateOptions.messages[generateOptions.messages.length - 1];
    if (!last || last.role !== 'user') {
      throw new LlmCallError("llama-cpp: the last message must be the user's", {
        reason: 'other',
        isRetryable: false,
        provider: 'llama-cpp',
        modelId,
      });
    }
    const sequence = context.getSequence();
    const session = new module.LlamaChatSession({ contextSequence: sequence });
    try {
      session.setChatHistory(toHistory(generateOptions.system, generateOptions.messages.slice(0, -1)));
      const maxTokens = generateOptions.maxOutputTokens ?? options.defaultMaxTokens ?? 4096;
      const temperature = generateOptions.temperature ?? options.defaultTemperature;
      const text = await session.prompt(last.content, {
        maxTokens,
        ...(temperature === undefined ? {} : { temperature }),
        ...(generateOptions.abortSignal ? { signal: generateOptions.abortSignal } : {}),
        ...(generateOptions.stop?.length ? { customStopTriggers: generateOptions.stop } : {}),
        ...(generateOptions.seed !== undefined ? { seed: generateOptions.seed } : {}),
      });
      const prompt = [generateOptions.system ?? '', ...generateOptions.messages.map((message) => message.content)].join(
        '\n',
      );
      const outputTokens = model.tokenize(text).length;
      return {
        text,
        finishReason:
          outputTokens >= maxTokens ? { unified: 'length', raw: 'maxTokens' } : { unified: 'stop', raw: 'stop' },
        usage: { inputTokens: model.tokenize(prompt).length, cachedInputTokens: 0, outputTokens },
        response: { id: undefined, modelId },
      };
    } catch (error) {
      generateOptions.abortSignal?.throwIfAborted();
      if (AsiEvolveError.isInstance(error)) throw error;
      // A failed generation (e.g. a prompt over the context size) fails its round after the retries, not the run.
      throw new LlmCallError(`llama-cpp (${modelId}): ${error instanceof Error ? error.message : String(error)}`, {
        reason: 'other',
        isRetryable: true,
        provider: 'llama-cpp',
        modelId,
        cause: error,
      });
    } finally {
      session.dispose();
      sequence.dispose();
    }
  };

  return {
    provider: 'llama-cpp',
    modelId,
    contextWindow: options.contextWindow,
    async load() {
      await load();
    },
    async dispose() {
      const loaded = loading;
      loading = undefined;
      if (!loaded) return;
      const { model, context } = await loaded.catch(() => ({ model: undefined, context: undefined }));
      await context?.dispose();
      await model?.dispose();
    },
    generate(generateOptions) {
      // One call at a time: the context has a single sequence.
      const result = queue.then(() => run(generateOptions));
      queue = result.catch(() => undefined);
      return result;
    },
  };
}
