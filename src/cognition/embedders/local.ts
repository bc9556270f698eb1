import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { AsiEvolveError } from '../../errors.js';
import type { Embedder } from './embedder.js';

/** The optional package that runs a local model folder; never a hard dependency (474 MB). */
export const transformersPackage = '@huggingface/transformers';

/** What a feature-extraction pipeline returns: a tensor (`data` + `dims`) or something with `tolist()`. */
type FeatureOutput = { data?: ArrayLike<number>; dims?: number[]; tolist?: () => unknown };

/** The part of @huggingface/transformers the local embedder uses. */
export interface TransformersModule {
  env: { allowRemoteModels: boolean; allowLocalModels: boolean; localModelPath: string };
  pipeline(
    task: 'feature-extraction',
    model: string,
    options?: Record<string, unknown>,
  ): Promise<(texts: string[], options: { pooling: 'mean' | 'cls'; normalize: boolean }) => Promise<FeatureOutput>>;
}

/** Options of the local-model embedder. */
export interface LocalEmbedderOptions {
  /** A model folder (config.json, tokenizer, ONNX weights under onnx/). */
  modelPath: string;
  /** @default 'mean' */
  pooling?: 'mean' | 'cls';
  /** Texts per pipeline call. @default 32 */
  maxValuesPerCall?: number;
  /** For tests: how the package is imported. @default dynamic import of @huggingface/transformers */
  importModule?: () => Promise<unknown>;
}

const installHint = `Install it next to asi-evolve: \`npm install -E ${transformersPackage}@4.3.1\` (put \`onnxruntime-node-install=skip\` in .npmrc first, or its install script downloads), or use cognition.embedding.provider: builtin or openai-compatible.`;

async function importTransformers(importModule: (() => Promise<unknown>) | undefined): Promise<TransformersModule> {
  try {
    // A variable specifier keeps TypeScript from resolving the optional package at build time.
    const specifier = transformersPackage;
    const loaded = (await (importModule ?? (() => import(specifier)))()) as Partial<TransformersModule> & {
      default?: Partial<TransformersModule>;
    };
    const module = typeof loaded.pipeline === 'function' ? loaded : loaded.default;
    if (module === undefined || typeof module.pipeline !== 'function' || module.env === undefined) {
      throw new Error(`${transformersPackage} has no pipeline() export`);
    }
    return module as TransformersModule;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException | undefined)?.code === 'ERR_MODULE_NOT_FOUND';
    throw new AsiEvolveError(
      'CONFIG_INVALID',
      missing
        ? `cognition.embedding.provider is local, but the optional package ${transformersPackage} is not installed`
        : `cognition.embedding.provider is local, but ${transformersPackage} cannot be loaded: ${error instanceof Error ? error.message : String(error)}`,
      { key: 'cognition.embedding.provider', cause: error, hint: installHint },
    );
  }
}

function rowsOf(output: FeatureOutput, count: number): Float32Array[] {
  if (output.data !== undefined && output.dims !== undefined && output.dims.length === 2 && output.dims[0] === count) {
    const width = output.dims[1] ?? 0;
    return Array.from({ length: count }, (_, row) =>
      Float32Array.from(Array.prototype.slice.call(output.data, row * width, (row + 1) * width) as number[]),
    );
  }
  const list = output.tolist?.();
  if (Array.isArray(list) && list.length === count && list.every((row) => Array.isArray(row))) {
    return (list as number[][]).map((row) => Float32Array.from(row));
  }
  throw new AsiEvolveError(
    'LLM_RESPONSE_INVALID',
    `The local embedding model returned no ${count}×d matrix (dims ${JSON.stringify(output.dims ?? null)})`,
  );
}

/**
 * An embedder over a local model folder, run in process by @huggingface/transformers (ONNX),
 * with remote downloads switched off. The package is optional: it is imported only here, and
 * its absence is a `CONFIG_INVALID` error with the install command. The vector length is read
 * from one probe embedding, so the identity (`local:<folder name>:<dimensions>`) is known up front.
 * @example
 * const embedder = await createLocalEmbedder({ modelPath: 'models/all-MiniLM-L6-v2' });
 */
export async function createLocalEmbedder(options: LocalEmbedderOptions): Promise<Embedder> {
  const modelPath = resolve(options.modelPath);
  if (!existsSync(modelPath) || !statSync(modelPath).isDirectory()) {
    throw new AsiEvolveError('CONFIG_INVALID', `The local embedding model folder ${modelPath} does not exist`, {
      key: 'cognition.embedding.model_path',
      file: modelPath,
      hint: 'Point cognition.embedding.model_path at a folder holding config.json, the tokenizer and onnx/model.onnx.',
    });
  }
  const transformers = await importTransformers(options.importModule);
  transformers.env.allowRemoteModels = false;
  transformers.env.allowLocalModels = true;
  transformers.env.localModelPath = `${dirname(modelPath)}/`;
  let extract: Awaited<ReturnType<TransformersModule['pipeline']>>;
  try {
    extract = await transformers.pipeline('feature-extraction', basename(modelPath), { local_files_only: true });
  } catch (error) {
    throw new AsiEvolveError(
      'CONFIG_INVALID',
      `Cannot load the local embedding model in ${modelPath}: ${error instanceof Error ? error.message : String(error)}`,
      {
        key: 'cognition.embedding.model_path',
        file: modelPath,
        cause: error,
      },
    );
  }
  const pooling = options.pooling ?? 'mean';
  const run = async (values: string[]): Promise<Float32Array[]> =>
    rowsOf(await extract(values, { pooling, normalize: true }), values.length);
  const probe = await run(['dimension probe']);
  const dimensions = probe[0]?.length ?? 0;
  return {
    provider: 'local',
    modelId: basename(modelPath),
    dimensions,
    maxValuesPerCall: options.maxValuesPerCall ?? 32,
    embed: async ({ values, abortSignal }) => {
      abortSignal?.throwIfAborted();
      const embeddings: Float32Array[] = [];
      for (let start = 0; start < values.length; start += options.maxValuesPerCall ?? 32) {
        abortSignal?.throwIfAborted();
        embeddings.push(...(await run(values.slice(start, start + (options.maxValuesPerCall ?? 32)))));
      }
      return { embeddings, usage: { tokens: undefined } };
    },
  };
}
