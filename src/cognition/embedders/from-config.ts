import { resolve } from 'node:path';
import type { Config } from '../../config/index.js';
import { AsiEvolveError } from '../../errors.js';
import { isLocalBaseURL } from '../../llm/index.js';
import type { Embedder } from './embedder.js';
import { createLexicalEmbedder, suggestedLexicalThreshold } from './lexical.js';
import { createLocalEmbedder } from './local.js';
import { createOpenAIEmbedder } from './openai-compatible.js';

/** Names under which `provider: builtin` is asked for the lexical embedder itself. */
const lexicalNames = new Set(['builtin-lexical', 'builtin', 'lexical']);

/** The usual `score_threshold` of neural embeddings, which put unrelated texts at 0.2–0.4. */
export const neuralThreshold = 0.3;

/**
 * The retrieval threshold of a run: `cognition.retrieval.score_threshold` when set, else the
 * value that suits the configured embedder (the lexical one scores far lower than neural ones).
 *
 * @example retrievalThreshold(config.cognition) // 0.08 with the default built-in embedder
 */
export function retrievalThreshold(cognition: Pick<Config['cognition'], 'retrieval' | 'embedding'>): number {
  return (
    cognition.retrieval.score_threshold ??
    (cognition.embedding.provider === 'builtin' ? suggestedLexicalThreshold : neuralThreshold)
  );
}

/** The embedder a config asks for, with lines worth telling the user. */
export interface EmbedderFromConfig {
  embedder: Embedder;
  /** One line for people: which embedder. */
  description: string;
  notices: string[];
}

/** Where relative paths point, and seams for tests. */
export interface EmbedderFromConfigOptions {
  /** The experiment folder, against which `model_path` is resolved. @default the working directory */
  baseDir?: string;
  fetch?: typeof globalThis.fetch;
  /** For tests: how @huggingface/transformers is imported. */
  importModule?: () => Promise<unknown>;
}

/**
 * Builds the embedder `cognition.embedding` describes: `builtin` (lexical, no model, no
 * network; a reference model name falls back to it with a notice), `openai-compatible`
 * (`base_url`, `model`, key from `api_key_env`, optional `dimension`) or `local` (a model
 * folder through the optional @huggingface/transformers). Problems are `CONFIG_INVALID`
 * errors naming the key.
 * @example
 * const { embedder, description } = await createEmbedderFromConfig(config.cognition, process.env, { baseDir: experiment.dir });
 */
export async function createEmbedderFromConfig(
  cognition: Config['cognition'],
  env: NodeJS.ProcessEnv,
  options: EmbedderFromConfigOptions = {},
): Promise<EmbedderFromConfig> {
  const settings = cognition.embedding;
  const notices: string[] = [];
  switch (settings.provider) {
    case 'builtin': {
      if (!lexicalNames.has(settings.model)) {
        notices.push(
          `cognition.embedding.model '${settings.model}' needs cognition.embedding.provider openai-compatible or local: using the built-in lexical embedder.`,
        );
      }
      const embedder = createLexicalEmbedder(
        settings.dimension === undefined ? {} : { dimensions: settings.dimension },
      );
      return {
        embedder,
        description: `built-in lexical embedder (${embedder.dimensions} dimensions, no model, no network)`,
        notices,
      };
    }
    case 'openai-compatible': {
      if (lexicalNames.has(settings.model)) {
        throw new AsiEvolveError(
          'CONFIG_INVALID',
          'cognition.embedding.provider is openai-compatible but cognition.embedding.model names no embeddings model',
          {
            key: 'cognition.embedding.model',
            hint: 'Name the model, e.g. cognition.embedding.model: text-embedding-3-small (or nomic-embed-text for Ollama).',
          },
        );
      }
      const apiKey = env[settings.api_key_env]?.trim();
      if (!apiKey && !isLocalBaseURL(settings.base_url)) {
        throw new AsiEvolveError(
          'CONFIG_INVALID',
          `No API key for the embeddings endpoint ${settings.base_url}: the environment variable ${settings.api_key_env} (named by cognition.embedding.api_key_env) is not set`,
          {
            key: 'cognition.embedding.api_key_env',
            hint: `Export ${settings.api_key_env}=<your key>, or point cognition.embedding.api_key_env at the variable that holds it.`,
          },
        );
      }
      const embedder = createOpenAIEmbedder({
        baseURL: settings.base_url,
        modelId: settings.model,
        ...(apiKey ? { apiKey } : {}),
        ...(settings.dimension === undefined ? {} : { dimensions: settings.dimension }),
        maxValuesPerCall: settings.batch_size,
        timeoutMs: settings.timeout * 1000,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      });
      return { embedder, description: `${settings.model} at ${settings.base_url}`, notices };
    }
    case 'local': {
      if (settings.model_path === undefined || settings.model_path.trim() === '') {
        throw new AsiEvolveError(
          'CONFIG_INVALID',
          'cognition.embedding.provider is local but cognition.embedding.model_path is not set',
          {
            key: 'cognition.embedding.model_path',
            hint: 'Set it to a model folder (config.json, tokenizer, onnx/model.onnx), relative to the experiment folder.',
          },
        );
      }
      const embedder = await createLocalEmbedder({
        modelPath: resolve(options.baseDir ?? '.', settings.model_path),
        maxValuesPerCall: Math.min(settings.batch_size, 64),
        ...(options.importModule ? { importModule: options.importModule } : {}),
      });
      return { embedder, description: `local model ${embedder.modelId} (${embedder.dimensions} dimensions)`, notices };
    }
  }
}
