import { describe, expect, it } from 'vitest';
import { JudgeError } from '../errors.js';
import { createTemplates } from '../templates/load.js';
import { scriptedModel } from '../test-support/fixtures.js';
import { blendScores, createLlmJudge, parseJudgeScore } from './judge.js';

const templates = createTemplates();
const context = { task: 'Pack circles.', program: 'print(1)', results: { eval_score: 2.5 } };

describe('LLM judge', () => {
  it('parses score and reason', async () => {
    const model = scriptedModel(['<score>85</score>\n<reason>Sound approach.</reason>']);
    const verdict = await createLlmJudge({ model, templates, maxRetries: 1 }).judge(context);
    expect(verdict).toEqual({ score: 85, reason: 'Sound approach.' });
    expect(model.calls[0]?.messages[0]?.content).toContain('print(1)');
  });

  it('clamps scores to 0–100 and reads "85/100"', () => {
    expect(parseJudgeScore('<score>140</score>')).toBe(100);
    expect(parseJudgeScore('<score>-5</score>')).toBe(0);
    expect(parseJudgeScore('<score> 85/100 </score>')).toBe(85);
    expect(parseJudgeScore('<score>72.5</score>')).toBe(72.5);
    expect(parseJudgeScore('<score>high</score>')).toBeNull();
    expect(parseJudgeScore('no tag 90')).toBeNull();
  });

  it('converts a score given on its own scale to 0–100; a bare number keeps its meaning', () => {
    expect(parseJudgeScore('<score>8.5/10</score>')).toBe(85);
    expect(parseJudgeScore('<score>4/5</score>')).toBe(80);
    expect(parseJudgeScore('<score>85/100</score>')).toBe(85);
    expect(parseJudgeScore('<score>85%</score>')).toBe(85);
    expect(parseJudgeScore('<score>7 out of 10</score>')).toBe(70);
    expect(parseJudgeScore('<score>3 / 4 (solid, but hard-coded sizes)</score>')).toBe(75);
    expect(parseJudgeScore('<score>12/10</score>')).toBe(100);
    expect(parseJudgeScore('<score>8.5</score>')).toBe(8.5);
    expect(parseJudgeScore('<score>85 points</score>')).toBe(85);
    // A scale of zero or less gives no score, so the judge is asked again.
    expect(parseJudgeScore('<score>8/0</score>')).toBeNull();
  });

  it('stores a fraction answer on the 0–100 scale', async () => {
    const model = scriptedModel(['<score>8.5/10</score>\n<reason>Sound, general approach.</reason>']);
    const verdict = await createLlmJudge({ model, templates, maxRetries: 0 }).judge(context);
    expect(verdict).toEqual({ score: 85, reason: 'Sound, general approach.' });
  });

  it('asks again when the score is not a number', async () => {
    const model = scriptedModel(['<score>excellent</score>', '<score>90</score>']);
    const verdict = await createLlmJudge({ model, templates, maxRetries: 1 }).judge(context);
    expect(verdict).toEqual({ score: 90, reason: '' });
    expect(model.calls[1]?.messages[2]?.content).toContain('holds no number');
  });

  it('throws a typed error when no attempt gives a score', async () => {
    const model = scriptedModel(['nothing', 'nothing again']);
    const judging = createLlmJudge({ model, templates, maxRetries: 1 }).judge(context);
    await expect(judging).rejects.toBeInstanceOf(JudgeError);
    await expect(judging).rejects.toMatchObject({
      code: 'LLM_RESPONSE_INVALID',
      problems: ['attempt 1: the answer has no <score> tag', 'attempt 2: the answer has no <score> tag'],
    });
  });
});

describe('blendScores', () => {
  it('follows the reference formula (1 - r) * eval + r * judge', () => {
    expect(blendScores(2.6, 80, 0.2)).toBeCloseTo(18.08, 10);
    expect(blendScores(0.9, 50, 0)).toBe(0.9);
    expect(blendScores(0.9, 50, 1)).toBe(50);
  });
});
