import { describe, expect, it } from 'vitest';
import { ResponseFormatError } from '../errors.js';
import { scriptedModel } from '../test-support/fixtures.js';
import { createLlmNoveltyJudge, noveltyJudgePrompt, parseNoveltyVerdict } from './novelty-judge.js';
import type { NoveltyJudgeInput } from './novelty-types.js';

const input: NoveltyJudgeInput = {
  proposal: { motivation: 'shift the corner circles inwards', program: 'corner = 0.11\n' },
  nearest: { id: 7, motivation: 'move corner circles', program: 'corner = 0.1\n' },
  similarity: 0.9123,
  field: 'program',
};

describe('parseNoveltyVerdict', () => {
  it('reads duplicate and novel verdicts with their reason', () => {
    expect(parseNoveltyVerdict('<verdict>Duplicate</verdict><reason>same layout</reason>')).toEqual({
      duplicate: true,
      reason: 'same layout',
    });
    expect(parseNoveltyVerdict('<think>hmm</think>\n<verdict> novel </verdict>')).toEqual({
      duplicate: false,
      reason: '',
    });
  });

  it('refuses an answer without a verdict, or with another word', () => {
    expect(() => parseNoveltyVerdict('it is new')).toThrow(ResponseFormatError);
    expect(() => parseNoveltyVerdict('<verdict>maybe</verdict>')).toThrow('"maybe"');
  });
});

describe('LLM novelty judge', () => {
  it('shows both candidates, the similarity and the task', () => {
    const prompt = noveltyJudgePrompt(input, 'Pack 26 circles.');
    expect(prompt).toContain('Pack 26 circles.');
    expect(prompt).toContain('node #7');
    expect(prompt).toContain('corner = 0.11');
    expect(prompt).toContain('91.2% similar');
  });

  it('cuts long programs in the middle', () => {
    const long = `${'a'.repeat(5000)}${'b'.repeat(5000)}`;
    const prompt = noveltyJudgePrompt({ ...input, proposal: { motivation: 'm', program: long } }, undefined, 1000);
    expect(prompt).toContain('[9000 characters cut]');
    expect(prompt).not.toContain('a'.repeat(501));
  });

  it('asks again after an unusable answer, then gives up with LLM_RESPONSE_INVALID', async () => {
    const model = scriptedModel(['no tags', '<verdict>duplicate</verdict><reason>same</reason>']);
    expect(await createLlmNoveltyJudge({ model, maxRetries: 1 }).judge(input)).toEqual({
      duplicate: true,
      reason: 'same',
    });
    expect(model.calls[1]?.messages[2]?.content).toContain('no <verdict> tag');
    const stubborn = scriptedModel(['no', 'still no']);
    await expect(createLlmNoveltyJudge({ model: stubborn, maxRetries: 1 }).judge(input)).rejects.toMatchObject({
      code: 'LLM_RESPONSE_INVALID',
    });
    expect(stubborn.calls).toHaveLength(2);
  });
});
