import { describe, expect, it } from 'vitest';
import { runModelCases } from './model-cases.js';
import { createScriptedModel } from './scripted.js';

runModelCases('scripted', async (texts) => ({ model: createScriptedModel(texts), close: async () => undefined }));

describe('createScriptedModel', () => {
  it('answers in order from texts, functions and errors, and keeps every call', async () => {
    const failure = new Error('scripted failure');
    const model = createScriptedModel([
      'plain',
      (options, callIndex) => `echo ${options.messages[0]?.content} at ${callIndex}`,
      failure,
    ]);
    const first = await model.generate({ messages: [{ role: 'user', content: 'a' }] });
    const second = await model.generate({ messages: [{ role: 'user', content: 'b' }], temperature: 0.2 });
    await expect(model.generate({ messages: [{ role: 'user', content: 'c' }] })).rejects.toBe(failure);
    await expect(model.generate({ messages: [{ role: 'user', content: 'd' }] })).rejects.toThrow(/call 4 has none/);
    expect(first.text).toBe('plain');
    expect(second.text).toBe('echo b at 1');
    expect(model.calls.map((call) => call.messages[0]?.content)).toEqual(['a', 'b', 'c', 'd']);
    expect(model.calls[1]?.temperature).toBe(0.2);
  });

  it('estimates usage at four characters per token', async () => {
    const model = createScriptedModel(['x'.repeat(40)], { modelId: 'gpt-4o', provider: 'test' });
    const result = await model.generate({
      system: 'y'.repeat(19),
      messages: [{ role: 'user', content: 'z'.repeat(20) }],
    });
    // 19 + newline + 20 = 40 characters of prompt.
    expect(result.usage).toEqual({ inputTokens: 10, cachedInputTokens: 0, outputTokens: 10 });
    expect(result.response.modelId).toBe('gpt-4o');
    expect(model.provider).toBe('test');
  });
});
