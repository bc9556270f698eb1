import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embedLexical } from '../lexical.js';
import type { TransformersModule } from '../local.js';

/** A stand-in for @huggingface/transformers whose pipeline returns lexical vectors as a tensor. */
export function fakeTransformers(
  dimensions = 24,
): TransformersModule & { loaded: Array<{ model: string; localModelPath: string; options: unknown }> } {
  const loaded: Array<{ model: string; localModelPath: string; options: unknown }> = [];
  const env = { allowRemoteModels: true, allowLocalModels: false, localModelPath: '' };
  return {
    env,
    loaded,
    pipeline: async (_task, model, options) => {
      loaded.push({ model, localModelPath: env.localModelPath, options });
      return async (texts) => {
        const data = new Float32Array(texts.length * dimensions);
        texts.forEach((text, row) => data.set(embedLexical(text, dimensions), row * dimensions));
        return { data, dims: [texts.length, dimensions] };
      };
    },
  };
}

/** A throwaway model folder with the files a transformers.js model has; returns its path. */
export function fakeModelFolder(): { path: string; root: string } {
  const root = mkdtempSync(join(tmpdir(), 'local-model-'));
  const path = join(root, 'tiny-embedder');
  mkdirSync(join(path, 'onnx'), { recursive: true });
  writeFileSync(join(path, 'config.json'), '{"model_type":"bert"}');
  writeFileSync(join(path, 'tokenizer.json'), '{}');
  writeFileSync(join(path, 'onnx', 'model.onnx'), '');
  return { path, root };
}
