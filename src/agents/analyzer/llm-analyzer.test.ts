import { describe, expect, it } from 'vitest';
import { createTemplates } from '../templates/load.js';
import { analysisContext, makeNode, scriptedModel } from '../test-support/fixtures.js';
import { createLlmAnalyzer } from './llm-analyzer.js';

const templates = createTemplates();

describe('LLM Analyzer', () => {
  it('returns the content of <analysis>', async () => {
    const model = scriptedModel(['Thinking...\n<analysis>\nThe step size helped: +0.1.\n</analysis>']);
    const analyzer = createLlmAnalyzer({ model, templates, maxRetries: 1, logBudgetChars: 1000 });
    expect(await analyzer.analyse(analysisContext({ parent: makeNode({ id: 1 }) }))).toBe(
      'The step size helped: +0.1.',
    );
    expect(model.calls[0]?.messages[0]?.content).toContain('try a larger step');
  });

  it('trims long logs to the budget and says so in the prompt', async () => {
    const logs = `START${'x'.repeat(5000)}END-OF-LOG`;
    const model = scriptedModel(['<analysis>ok</analysis>']);
    await createLlmAnalyzer({ model, templates, maxRetries: 0, logBudgetChars: 500 }).analyse(
      analysisContext({ logs }),
    );
    const prompt = model.calls[0]?.messages[0]?.content ?? '';
    const trimmed = logs.length - 500;
    expect(prompt).toContain(`${trimmed} characters were trimmed from its middle`);
    expect(prompt).toContain(`[... ${trimmed} characters trimmed here ...]`);
    expect(prompt).toContain('START');
    expect(prompt).toContain('END-OF-LOG');
    expect(prompt).not.toContain('x'.repeat(600));
  });

  it('asks again when the tag is missing', async () => {
    const model = scriptedModel(['just prose', '<analysis>tagged now</analysis>']);
    const analysis = await createLlmAnalyzer({ model, templates, maxRetries: 1, logBudgetChars: 1000 }).analyse(
      analysisContext(),
    );
    expect(analysis).toBe('tagged now');
    expect(model.calls[1]?.messages[2]?.content).toContain('no <analysis>');
  });

  it('keeps the whole answer when the tag never comes', async () => {
    const model = scriptedModel(['first prose', 'The idea failed because of X; try Y.']);
    const analysis = await createLlmAnalyzer({ model, templates, maxRetries: 1, logBudgetChars: 1000 }).analyse(
      analysisContext(),
    );
    expect(analysis).toBe('The idea failed because of X; try Y.');
  });

  it('falls back to the rule-based summary when the model says nothing', async () => {
    const model = scriptedModel(['', '  ']);
    const analysis = await createLlmAnalyzer({ model, templates, maxRetries: 1, logBudgetChars: 1000 }).analyse(
      analysisContext(),
    );
    expect(analysis).toContain('returned no text');
    expect(analysis).toContain('Outcome: succeeded with score 0.6.');
  });
});

describe('LLM Analyzer proposing cognition items (growth)', () => {
  const answer = [
    '<analysis>Corners were left empty; the score fell by 0.02.</analysis>',
    '<cognition_item><title>Fill the corners</title><content>Empty corners waste area: seed the largest circles there.</content></cognition_item>',
    '<cognition_item><title>Empty one</title><content>  </content></cognition_item>',
    '<cognition_item><title>Third</title><content>Third lesson.</content></cognition_item>',
  ].join('\n');

  it('asks for items only when growth is on, and returns them beside the analysis, capped', async () => {
    const model = scriptedModel([answer]);
    const analyzer = createLlmAnalyzer({
      model,
      templates,
      maxRetries: 0,
      logBudgetChars: 1000,
      proposeItems: { maxItems: 1 },
    });
    const result = await analyzer.analyseWithProposals(analysisContext());
    expect(result).toEqual({
      analysis: 'Corners were left empty; the score fell by 0.02.',
      proposedItems: [
        { title: 'Fill the corners', content: 'Empty corners waste area: seed the largest circles there.' },
      ],
    });
    expect(model.calls[0]?.messages[0]?.content).toContain('state up to 1 of them after the </analysis> tag');
  });

  it('leaves the prompt as it was and proposes nothing when growth is off', async () => {
    const model = scriptedModel([answer]);
    const analyzer = createLlmAnalyzer({ model, templates, maxRetries: 0, logBudgetChars: 1000 });
    expect((await analyzer.analyseWithProposals(analysisContext())).proposedItems).toEqual([]);
    expect(model.calls[0]?.messages[0]?.content).not.toContain('cognition_item');
  });

  it('keeps item blocks out of the stored analysis when the model puts them inside it', async () => {
    const model = scriptedModel([
      '<analysis>Short report.\n<cognition_item><title>T</title><content>C.</content></cognition_item></analysis>',
    ]);
    const analyzer = createLlmAnalyzer({
      model,
      templates,
      maxRetries: 0,
      logBudgetChars: 1000,
      proposeItems: { maxItems: 2 },
    });
    expect(await analyzer.analyseWithProposals(analysisContext())).toEqual({
      analysis: 'Short report.',
      proposedItems: [{ title: 'T', content: 'C.' }],
    });
  });
});
