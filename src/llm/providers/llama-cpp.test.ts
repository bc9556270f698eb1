import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AsiEvolveError } from '../../errors.js';
import { thrownAsiError } from '../../test-support/asi-error.js';
import { LlmCallError } from '../errors.js';
import { runModelCases } from '../test-support/model-cases.js';
import { GGUF_MAGIC } from './gguf-file.js';
import { createLlamaCpp, type NodeLlamaCppModule } from './llama-cpp.js';

/** A minimal GGUF file: magic, version 3, no tensors, no metadata. Valid as a header; no weights. */
function writeTinyGguf(path: string): void {
  const header = Buffer.alloc(24);
  header.write(GGUF_MAGIC, 0, 'latin1');
  header.writeUInt32LE(3, 4);
  header.writeBigUInt64LE(0n, 8);
  header.writeBigUInt64LE(0n, 16);
  writeFileSync(path, header);
}

interface FakeLlama {
  module: NodeLlamaCppModule;
  prompts: { text: string; history: unknown[]; options: Record<string, unknown> }[];
  loads: string[];
  disposed: string[];
}

/** Stands in for node-llama-cpp (not installed here): answers from `texts`, tokenizes by whitespace. */
function fakeLlama(texts: string[]): FakeLlama {
  const fake: FakeLlama = { module: undefined as unknown as NodeLlamaCppModule, prompts: [], loads: [], disposed: [] };
  let history: unknown[] = [];
  class LlamaChatSession {
    setChatHistory(items: unknown[]): void {
      history = items;
    }
    async prompt(text: string, options: Record<string, unknown>): Promise<string> {
      fake.prompts.push({ text, history, options });
      (options['signal'] as AbortSignal | undefined)?.throwIfAborted();
      const next = texts.shift() ?? '';
      if (next === 'THROW') throw new Error('the prompt is longer than the context size');
      return next;
    }
    dispose(): void {
      fake.disposed.push('session');
    }
  }
  fake.module = {
    getLlama: async () => ({
      loadModel: async ({ modelPath }) => {
        fake.loads.push(modelPath);
        return {
          tokenize: (text: string) => text.split(/\s+/).filter(Boolean),
          createContext: async () => ({
            getSequence: () => ({ dispose: () => void fake.disposed.push('sequence') }),
            dispose: async () => void fake.disposed.push('context'),
          }),
          dispose: async () => void fake.disposed.push('model'),
        };
      },
    }),
    LlamaChatSession,
  };
  return fake;
}

let dir: string;
let modelPath: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'asi-gguf-'));
  modelPath = join(dir, 'tiny.gguf');
  writeTinyGguf(modelPath);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

runModelCases('llama-cpp (fake node-llama-cpp module)', async (texts) => {
  const fake = fakeLlama([...texts]);
  const model = createLlamaCpp({ modelPath, importModule: async () => fake.module });
  return { model, close: () => model.dispose() };
});

describe('createLlamaCpp', () => {
  it('refuses a missing model file at creation, naming the file and key', () => {
    const error = thrownAsiError(() =>
      createLlamaCpp({ modelPath: join(dir, 'absent.gguf'), key: 'models.local.model_path' }),
    );
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('absent.gguf');
    expect(error.message).toContain('does not exist');
    expect(error.key).toBe('models.local.model_path');
  });

  it('refuses a file that is not GGUF, and a folder', () => {
    const notGguf = join(dir, 'weights.bin');
    writeFileSync(notGguf, 'PK\u0003\u0004 not a gguf file');
    expect(thrownAsiError(() => createLlamaCpp({ modelPath: notGguf })).message).toContain('not a GGUF model file');
    expect(thrownAsiError(() => createLlamaCpp({ modelPath: dir })).message).toContain('is not a file');
  });

  it('says how to install node-llama-cpp when it is missing (the real import, which fails here)', async () => {
    const model = createLlamaCpp({ modelPath, key: 'api.model_path' });
    const error = await model.load().catch((caught: unknown) => caught);
    expect(AsiEvolveError.isInstance(error)).toBe(true);
    expect((error as AsiEvolveError).code).toBe('CONFIG_INVALID');
    expect((error as AsiEvolveError).message).toContain('npm i node-llama-cpp@3.21.1');
    // The call path gives the same clear error, not a provider failure.
    await expect(model.generate({ messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow(
      /npm i node-llama-cpp@3\.21\.1/,
    );
  });

  it('loads once, maps the conversation to chat history, counts tokens with the model and frees everything', async () => {
    const fake = fakeLlama(['first reply', 'second reply with five words']);
    const model = createLlamaCpp({
      modelPath,
      contextWindow: 4096,
      defaultMaxTokens: 100,
      defaultTemperature: 0.3,
      importModule: async () => fake.module,
    });
    await model.load();
    const first = await model.generate({
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'one two three' }],
      stop: ['END'],
    });
    const second = await model.generate({
      messages: [
        { role: 'user', content: 'a b' },
        { role: 'assistant', content: 'c' },
        { role: 'user', content: 'd e f' },
      ],
      maxOutputTokens: 5,
    });
    expect(fake.loads).toEqual([modelPath]);
    expect(first.text).toBe('first reply');
    expect(first.usage).toEqual({ inputTokens: 5, cachedInputTokens: 0, outputTokens: 2 });
    expect(fake.prompts[0]).toMatchObject({
      text: 'one two three',
      history: [{ type: 'system', text: 'Be brief.' }],
      options: { maxTokens: 100, temperature: 0.3, customStopTriggers: ['END'] },
    });
    expect(fake.prompts[1]?.history).toEqual([
      { type: 'user', text: 'a b' },
      { type: 'model', response: ['c'] },
    ]);
    expect(second.finishReason.unified).toBe('length');
    expect(model.modelId).toBe('tiny.gguf');
    await model.dispose();
    expect(fake.disposed).toEqual(['session', 'sequence', 'session', 'sequence', 'context', 'model']);
  });

  it('turns a failed generation into a retryable call error (the round fails, not the run)', async () => {
    const fake = fakeLlama(['THROW', 'fine']);
    const model = createLlamaCpp({ modelPath, importModule: async () => fake.module });
    const error = await model
      .generate({ messages: [{ role: 'user', content: 'x' }] })
      .catch((caught: unknown) => caught);
    expect(LlmCallError.isInstance(error)).toBe(true);
    expect((error as LlmCallError).isRetryable).toBe(true);
    expect((error as LlmCallError).message).toContain('longer than the context size');
    expect((await model.generate({ messages: [{ role: 'user', content: 'y' }] })).text).toBe('fine');
    expect(fake.disposed).toEqual(['session', 'sequence', 'session', 'sequence']);
  });

  it('runs concurrent calls one at a time on its single sequence', async () => {
    const fake = fakeLlama(['a', 'b', 'c']);
    const model = createLlamaCpp({ modelPath, importModule: async () => fake.module });
    const texts = await Promise.all(
      ['1', '2', '3'].map((content) => model.generate({ messages: [{ role: 'user', content }] })),
    );
    expect(texts.map((result) => result.text)).toEqual(['a', 'b', 'c']);
    expect(fake.prompts.map((prompt) => prompt.text)).toEqual(['1', '2', '3']);
  });
});
