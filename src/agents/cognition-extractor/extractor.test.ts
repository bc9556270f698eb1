import { describe, expect, it } from 'vitest';
import { scriptedModel } from '../test-support/fixtures.js';
import { createCognitionExtractor } from './extractor.js';

const chunk = {
  index: 1,
  pages: [
    { number: 3, text: 'Warm restarts helped.' },
    { number: 4, text: 'Overlap penalties must be strict.' },
  ],
};

describe('createCognitionExtractor', () => {
  it('sends the pages with their numbers and the task, and keeps only pages of the chunk', async () => {
    const model = scriptedModel([
      [
        '<cognition_item><kind>heuristic</kind><title>Warm restarts</title><content>Restart the optimiser warm.</content><page>3</page></cognition_item>',
        '<cognition_item><kind>misc</kind><title>Strict overlap</title><content>Penalise overlap strictly.</content><page>9</page></cognition_item>',
      ].join('\n'),
    ]);
    const extractor = createCognitionExtractor({ model, maxRetries: 0 });
    const result = await extractor.extract({
      paperTitle: 'Packing Tricks',
      chunk,
      chunks: 2,
      maxItems: 5,
      task: 'Pack 26 circles.',
    });
    expect(result).toEqual({
      items: [
        { kind: 'heuristic', title: 'Warm restarts', content: 'Restart the optimiser warm.', page: 3 },
        { kind: 'heuristic', title: 'Strict overlap', content: 'Penalise overlap strictly.', page: undefined },
      ],
      problems: [],
    });
    const prompt = model.calls[0]?.messages[0]?.content ?? '';
    expect(prompt).toContain('## Paper: Packing Tricks (part 2 of 2)');
    expect(prompt).toContain('--- page 3 ---\nWarm restarts helped.');
    expect(prompt).toContain('Pack 26 circles.');
    expect(prompt).toContain('at most 5 items');
    expect(extractor.modelId).toBe('scripted');
  });

  it('asks again after an answer in no known format, and accepts <no_items/>', async () => {
    const model = scriptedModel(['I found some things but will not format them.', '<no_items/>']);
    const result = await createCognitionExtractor({ model, maxRetries: 1 }).extract({
      paperTitle: 'P',
      chunk,
      chunks: 1,
      maxItems: 3,
    });
    expect(result).toEqual({ items: [], problems: [] });
    expect(model.calls[1]?.messages[2]?.content).toContain('no <cognition_item> blocks');
  });

  it('reports blocks without content and fails after the retries', async () => {
    const empty = scriptedModel(['<cognition_item><title>Blank</title><content></content></cognition_item>']);
    expect(
      (
        await createCognitionExtractor({ model: empty, maxRetries: 0 }).extract({
          paperTitle: 'P',
          chunk,
          chunks: 1,
          maxItems: 3,
        })
      ).problems,
    ).toEqual(['P: item #1 ("Blank") has no content; skipped']);
    const prose = scriptedModel(['prose', 'more prose']);
    await expect(
      createCognitionExtractor({ model: prose, maxRetries: 1 }).extract({
        paperTitle: 'P',
        chunk,
        chunks: 1,
        maxItems: 3,
      }),
    ).rejects.toThrow('The Cognition Extractor gave no <cognition_item> blocks for "P" (pages 3, 4) after 2 answers');
  });
});
