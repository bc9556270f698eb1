import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { rejectedAsiError } from '../../test-support/asi-error.js';
import { createLocalEmbedder } from './local.js';
import { runEmbedderCases } from './test-support/embedder-cases.js';
import { fakeModelFolder, fakeTransformers } from './test-support/fake-transformers.js';

runEmbedderCases('local embedder (fake transformers module)', async () => {
  const folder = fakeModelFolder();
  const embedder = await createLocalEmbedder({
    modelPath: folder.path,
    importModule: async () => fakeTransformers(),
    maxValuesPerCall: 2,
  });
  return { embedder, close: async () => rmSync(folder.root, { recursive: true, force: true }) };
});

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('createLocalEmbedder', () => {
  it('loads the folder offline, learns its dimensions and names itself after the folder', async () => {
    const folder = fakeModelFolder();
    roots.push(folder.root);
    const module = fakeTransformers(24);
    const embedder = await createLocalEmbedder({
      modelPath: folder.path,
      importModule: async () => ({ default: module }),
    });
    expect(embedder).toMatchObject({ provider: 'local', modelId: 'tiny-embedder', dimensions: 24 });
    expect(module.env).toEqual({ allowRemoteModels: false, allowLocalModels: true, localModelPath: `${folder.root}/` });
    expect(module.loaded).toEqual([
      { model: 'tiny-embedder', localModelPath: `${folder.root}/`, options: { local_files_only: true } },
    ]);
  });

  it('says how to install the optional package when it is missing', async () => {
    const folder = fakeModelFolder();
    roots.push(folder.root);
    const missing = Object.assign(new Error("Cannot find package '@huggingface/transformers'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const error = await rejectedAsiError(
      createLocalEmbedder({ modelPath: folder.path, importModule: async () => Promise.reject(missing) }),
    );
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe(
      'cognition.embedding.provider is local, but the optional package @huggingface/transformers is not installed',
    );
    expect(error.hint).toContain('npm install -E @huggingface/transformers@4.3.1');
    expect(error.hint).toContain('onnxruntime-node-install=skip');
  });

  it('fails clearly with the real import, since the package is not installed here', async () => {
    const folder = fakeModelFolder();
    roots.push(folder.root);
    const error = await rejectedAsiError(createLocalEmbedder({ modelPath: folder.path }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.key).toBe('cognition.embedding.provider');
    expect(error.message).toContain('@huggingface/transformers');
  });

  it('names a model folder that does not exist', async () => {
    const error = await rejectedAsiError(
      createLocalEmbedder({ modelPath: '/nonexistent/model', importModule: async () => fakeTransformers() }),
    );
    expect(error.message).toBe('The local embedding model folder /nonexistent/model does not exist');
    expect(error.key).toBe('cognition.embedding.model_path');
  });

  it('reports a model the package cannot load', async () => {
    const folder = fakeModelFolder();
    roots.push(folder.root);
    const broken = {
      ...fakeTransformers(),
      pipeline: async () => Promise.reject(new Error('Could not locate file: onnx/model.onnx')),
    };
    const error = await rejectedAsiError(
      createLocalEmbedder({ modelPath: folder.path, importModule: async () => broken }),
    );
    expect(error.message).toContain('Cannot load the local embedding model');
    expect(error.message).toContain('Could not locate file');
  });
});
