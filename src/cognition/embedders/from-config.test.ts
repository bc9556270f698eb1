import { rmSync } from 'node:fs';
import { relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rejectedAsiError } from '../../test-support/asi-error.js';
import { resolveConfig } from '../../config/load.js';
import { embedderIdentity } from './identity.js';
import { createEmbedderFromConfig, neuralThreshold, retrievalThreshold } from './from-config.js';
import { suggestedLexicalThreshold } from './lexical.js';
import { fakeModelFolder, fakeTransformers } from './test-support/fake-transformers.js';
import { startEmbeddingsServer } from './test-support/embeddings-server.js';

const cognitionOf = (embedding: Record<string, unknown>) =>
  resolveConfig([{ name: 'test.yaml', values: { cognition: { embedding } } }], {}).cognition;

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('createEmbedderFromConfig', () => {
  it('gives the lexical embedder by default, of the configured dimension', async () => {
    const defaults = await createEmbedderFromConfig(cognitionOf({}), {});
    expect(embedderIdentity(defaults.embedder)).toBe('builtin:lexical-hash-v1:512');
    expect(defaults.notices).toEqual([]);
    const small = await createEmbedderFromConfig(cognitionOf({ dimension: 128 }), {});
    expect(small.embedder.dimensions).toBe(128);
  });

  it('falls back to the lexical embedder for a reference model name, saying so', async () => {
    const { embedder, notices } = await createEmbedderFromConfig(cognitionOf({ model: 'all-MiniLM-L6-v2' }), {});
    expect(embedder.provider).toBe('builtin');
    expect(notices[0]).toContain(
      "cognition.embedding.model 'all-MiniLM-L6-v2' needs cognition.embedding.provider openai-compatible or local",
    );
  });

  it('builds an OpenAI-compatible embedder that sends the key from the named variable', async () => {
    const server = await startEmbeddingsServer();
    closers.push(server.close);
    const { embedder, description } = await createEmbedderFromConfig(
      cognitionOf({
        provider: 'openai-compatible',
        base_url: server.baseURL,
        model: 'nomic-embed-text',
        dimension: 32,
        api_key_env: 'EMBED_KEY',
      }),
      { EMBED_KEY: 'sk-embed' },
    );
    expect(description).toBe(`nomic-embed-text at ${server.baseURL}`);
    expect(embedderIdentity(embedder)).toBe('openai-compatible:nomic-embed-text:32');
    await embedder.embed({ values: ['hello'] });
    expect(server.requests[0]?.authorization).toBe('Bearer sk-embed');
  });

  it('needs a model name and, for a remote endpoint, a key', async () => {
    const noModel = await rejectedAsiError(
      createEmbedderFromConfig(cognitionOf({ provider: 'openai-compatible' }), {}),
    );
    expect(noModel.key).toBe('cognition.embedding.model');
    const noKey = await rejectedAsiError(
      createEmbedderFromConfig(cognitionOf({ provider: 'openai-compatible', model: 'text-embedding-3-small' }), {}),
    );
    expect(noKey.key).toBe('cognition.embedding.api_key_env');
    expect(noKey.message).toContain('OPENAI_API_KEY');
    const local = await createEmbedderFromConfig(
      cognitionOf({ provider: 'openai-compatible', model: 'm', base_url: 'http://127.0.0.1:1/v1' }),
      {},
    );
    expect(local.embedder.modelId).toBe('m');
  });

  it('loads a local model folder relative to the experiment, and needs model_path', async () => {
    const folder = fakeModelFolder();
    closers.push(() => rmSync(folder.root, { recursive: true, force: true }));
    const { embedder, description } = await createEmbedderFromConfig(
      cognitionOf({ provider: 'local', model_path: relative(folder.root, folder.path) }),
      {},
      { baseDir: folder.root, importModule: async () => fakeTransformers(16) },
    );
    expect(embedderIdentity(embedder)).toBe('local:tiny-embedder:16');
    expect(description).toBe('local model tiny-embedder (16 dimensions)');
    const missing = await rejectedAsiError(createEmbedderFromConfig(cognitionOf({ provider: 'local' }), {}));
    expect(missing.key).toBe('cognition.embedding.model_path');
  });

  it('rejects an unknown provider when the config is validated', () => {
    expect(() => cognitionOf({ provider: 'faiss' })).toThrow(/cognition\.embedding\.provider/);
  });
});

describe('retrievalThreshold', () => {
  it('suits the embedder when unset, and is the configured value when set', () => {
    const withThreshold = (embedding: Record<string, unknown>, retrieval: Record<string, unknown>) =>
      resolveConfig([{ name: 'test.yaml', values: { cognition: { embedding, retrieval } } }], {}).cognition;
    expect(retrievalThreshold(cognitionOf({}))).toBe(suggestedLexicalThreshold);
    expect(retrievalThreshold(cognitionOf({ model: 'all-MiniLM-L6-v2' }))).toBe(suggestedLexicalThreshold);
    expect(retrievalThreshold(cognitionOf({ provider: 'openai-compatible', model: 'text-embedding-3-small' }))).toBe(
      neuralThreshold,
    );
    expect(retrievalThreshold(cognitionOf({ provider: 'local', model_path: 'model' }))).toBe(neuralThreshold);
    expect(retrievalThreshold(withThreshold({}, { score_threshold: 0.4 }))).toBe(0.4);
    expect(retrievalThreshold(withThreshold({ provider: 'local', model_path: 'model' }, { score_threshold: 0 }))).toBe(
      0,
    );
  });
});
