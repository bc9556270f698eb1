import { describe, expect, it } from 'vitest';
import { ResearcherError } from '../errors.js';
import { createTemplates } from '../templates/load.js';
import { designContext, makeNode, scriptedModel } from '../test-support/fixtures.js';
import { createLlmResearcher, researcherPrompt } from './researcher.js';

const templates = createTemplates();

const rewrite = (code: string, name = 'idea'): string =>
  `<name>${name}</name>\n<motivation>because</motivation>\n<provenance>novel</provenance>\n<code>\n${code}\n</code>`;

const diff = (...blocks: Array<[string, string]>): string =>
  `<name>edit</name>\n<motivation>small change</motivation>\n${blocks
    .map(([search, replace]) => `<<<<<<< SEARCH\n${search}\n=======\n${replace}\n>>>>>>> REPLACE`)
    .join('\n')}`;

const parentProgram = 'RATE = 0.5\nSTEPS = 10\n\ndef run():\n    return RATE * STEPS\n';
const parent = makeNode({ id: 3, program: parentProgram });

async function rejection(promise: Promise<unknown>): Promise<ResearcherError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ResearcherError) return error;
    throw error;
  }
  throw new Error('expected a ResearcherError');
}

describe('LLM Researcher, full rewrite', () => {
  it('renders the prompt, calls the model once and returns the parsed proposal', async () => {
    const model = scriptedModel([rewrite('x = 1')]);
    const researcher = createLlmResearcher({ model, templates, maxParseRetries: 2, diffRetries: 1, temperature: 0.3 });
    const proposal = await researcher.design(designContext({ parent }));
    expect(proposal).toMatchObject({
      name: 'idea',
      motivation: 'because',
      program: 'x = 1\n',
      provenance: 'novel',
      operator: 'llm',
    });
    expect(proposal.notes).toMatchObject({ mode: 'full-rewrite', attempts: 1, problems: [] });
    expect(model.calls).toHaveLength(1);
    expect(model.calls[0]?.temperature).toBe(0.3);
    expect(model.calls[0]?.messages[0]?.content).toContain('Maximise the score.');
  });

  it('reports a tagless answer back in the same conversation and uses the next answer', async () => {
    const model = scriptedModel(['I would use a hex grid.', rewrite('x = 2')]);
    const researcher = createLlmResearcher({ model, templates, maxParseRetries: 1, diffRetries: 1 });
    const proposal = await researcher.design(designContext({ parent }));
    expect(proposal.program).toBe('x = 2\n');
    const followUp = model.calls[1]?.messages ?? [];
    expect(followUp).toHaveLength(3);
    expect(followUp[1]).toEqual({ role: 'assistant', content: 'I would use a hex grid.' });
    expect(followUp[2]?.content).toContain('missing <name>, <motivation>, <code>');
    expect(proposal.notes.problems).toEqual([
      { attempt: 1, mode: 'rewrite', kind: 'format', message: 'the answer is missing <name>, <motivation>, <code>' },
    ]);
  });

  it('gives up with a typed error after maxParseRetries follow-ups', async () => {
    const model = scriptedModel(['no tags', 'still none', 'nothing']);
    const researcher = createLlmResearcher({ model, templates, maxParseRetries: 2, diffRetries: 1 });
    const error = await rejection(researcher.design(designContext({ parent })));
    expect(model.calls).toHaveLength(3);
    expect(error.code).toBe('LLM_RESPONSE_INVALID');
    expect(error.problems).toHaveLength(3);
    expect(error.lastAnswer).toBe('nothing');
  });

  it('says the answer was cut off when the model hit its output limit', async () => {
    const model = scriptedModel([
      { text: '<name>n</name><motivation>m</motivation><code>x =', finishReason: 'length' },
      rewrite('x = 1'),
    ]);
    await createLlmResearcher({ model, templates, maxParseRetries: 1, diffRetries: 0 }).design(
      designContext({ parent }),
    );
    expect(model.calls[1]?.messages[2]?.content).toContain('cut off at the output limit');
  });

  it('enforces max_code_length: reports the length back, then accepts a shorter program', async () => {
    const model = scriptedModel([rewrite('x = 1  # '.padEnd(200, 'x')), rewrite('x = 1')]);
    const researcher = createLlmResearcher({ model, templates, maxParseRetries: 1, diffRetries: 1 });
    const proposal = await researcher.design(designContext({ parent, maxCodeLength: 50 }));
    expect(proposal.program).toBe('x = 1\n');
    expect(model.calls[1]?.messages[2]?.content).toContain('201 characters long; the limit is 50 characters');
    expect(proposal.notes.problems).toMatchObject([{ kind: 'length' }]);
  });

  it('fails when every program is too long', async () => {
    const model = scriptedModel([rewrite('y'.repeat(80)), rewrite('y'.repeat(90))]);
    const error = await rejection(
      createLlmResearcher({ model, templates, maxParseRetries: 1, diffRetries: 1 }).design(
        designContext({ parent, maxCodeLength: 50 }),
      ),
    );
    expect(error.problems.every((problem) => problem.includes('over the limit of 50'))).toBe(true);
  });

  it("keeps a full rewrite within the parent's EVOLVE blocks", async () => {
    const marked = makeNode({ id: 5, program: 'KEEP = 1\n# EVOLVE-BLOCK-START\nA = 1\n# EVOLVE-BLOCK-END\n' });
    const model = scriptedModel([
      rewrite('KEEP = 2\n# EVOLVE-BLOCK-START\nA = 2\n# EVOLVE-BLOCK-END'),
      rewrite('KEEP = 1\n# EVOLVE-BLOCK-START\nA = 2\n# EVOLVE-BLOCK-END'),
    ]);
    const proposal = await createLlmResearcher({ model, templates, maxParseRetries: 1, diffRetries: 1 }).design(
      designContext({ parent: marked }),
    );
    expect(proposal.program).toContain('A = 2');
    expect(model.calls[1]?.messages[2]?.content).toContain('line 1 (`KEEP = 1`) lies outside the EVOLVE blocks');
  });

  it('writes the first program of an empty run in full even in diff mode', async () => {
    const model = scriptedModel([rewrite('first = 1')]);
    const proposal = await createLlmResearcher({ model, templates, maxParseRetries: 0, diffRetries: 1 }).design(
      designContext({ parent: null, diffMode: true }),
    );
    expect(proposal.program).toBe('first = 1\n');
    expect(model.calls[0]?.messages[0]?.content).not.toContain('<<<<<<< SEARCH');
  });

  it('stops before calling the model when the round is aborted', async () => {
    const model = scriptedModel([rewrite('x = 1')]);
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(
      createLlmResearcher({ model, templates, maxParseRetries: 0, diffRetries: 0 }).design(
        designContext({ parent, abortSignal: controller.signal }),
      ),
    ).rejects.toThrow('stop');
    expect(model.calls).toHaveLength(0);
  });
});

describe('LLM Researcher, diff mode', () => {
  const context = designContext({ parent, diffMode: true });

  it('applies SEARCH/REPLACE blocks to the parent program', async () => {
    const model = scriptedModel([diff(['RATE = 0.5', 'RATE = 0.7'], ['STEPS = 10', 'STEPS = 12'])]);
    const proposal = await createLlmResearcher({ model, templates, maxParseRetries: 1, diffRetries: 1 }).design(
      context,
    );
    expect(proposal.program).toBe(parentProgram.replace('0.5', '0.7').replace('10', '12'));
    expect(proposal.operator).toBe('llm');
    expect(proposal.notes).toMatchObject({ mode: 'diff', blocks: 2, fallback: false });
    expect(model.calls[0]?.messages[0]?.content).toContain('<<<<<<< SEARCH');
  });

  it('reports a block that does not match, by number, and applies the corrected answer', async () => {
    const model = scriptedModel([
      diff(['RATE = 0.5', 'RATE = 0.7'], ['STEPS = 100', 'STEPS = 12']),
      diff(['RATE = 0.5', 'RATE = 0.7'], ['STEPS = 10', 'STEPS = 12']),
    ]);
    const proposal = await createLlmResearcher({ model, templates, maxParseRetries: 1, diffRetries: 1 }).design(
      context,
    );
    const followUp = model.calls[1]?.messages[2]?.content ?? '';
    expect(followUp).toContain("block 2's SEARCH text was not found in the program: `STEPS = 100`");
    expect(followUp).not.toContain('block 1');
    expect(proposal.program).toBe(parentProgram.replace('0.5', '0.7').replace('10', '12'));
    expect(proposal.operator).toBe('llm');
    expect(proposal.notes.problems).toMatchObject([{ attempt: 1, mode: 'diff', kind: 'diff' }]);
  });

  it('falls back to a full rewrite after diffRetries failed repairs', async () => {
    const model = scriptedModel([
      diff(['RATE = 0.9', 'RATE = 0.7']),
      diff(['RATE = 0.8', 'RATE = 0.7']),
      rewrite('RATE = 0.7\nSTEPS = 10\n', 'rewritten'),
    ]);
    const proposal = await createLlmResearcher({ model, templates, maxParseRetries: 1, diffRetries: 1 }).design(
      context,
    );
    expect(model.calls).toHaveLength(3);
    const fallbackMessages = model.calls[2]?.messages ?? [];
    expect(fallbackMessages).toHaveLength(1);
    expect(fallbackMessages[0]?.content).toContain('the complete program: not a fragment, not a diff');
    expect(fallbackMessages[0]?.content).not.toContain('<<<<<<< SEARCH');
    expect(proposal).toMatchObject({
      name: 'rewritten',
      operator: 'llm:full-rewrite-fallback',
      program: 'RATE = 0.7\nSTEPS = 10\n',
    });
    expect(proposal.notes).toMatchObject({ mode: 'diff', fallback: true, attempts: 3 });
    expect(proposal.notes.problems).toHaveLength(2);
  });

  it('reports an ambiguous block', async () => {
    const program = 'a = 1\na = 1\n';
    const model = scriptedModel([diff(['a = 1', 'a = 2']), diff(['a = 1\na = 1', 'a = 1\na = 2'])]);
    const proposal = await createLlmResearcher({ model, templates, maxParseRetries: 1, diffRetries: 1 }).design(
      designContext({ parent: makeNode({ id: 2, program }), diffMode: true }),
    );
    expect(model.calls[1]?.messages[2]?.content).toContain("block 1's SEARCH text occurs more than once");
    expect(proposal.program).toBe('a = 1\na = 2\n');
  });

  it('rejects edits outside the EVOLVE blocks and reports the line', async () => {
    const marked = makeNode({ id: 4, program: 'KEEP = 1\n# EVOLVE-BLOCK-START\nA = 1\n# EVOLVE-BLOCK-END\n' });
    const model = scriptedModel([diff(['KEEP = 1', 'KEEP = 5']), diff(['A = 1', 'A = 5'])]);
    const proposal = await createLlmResearcher({ model, templates, maxParseRetries: 1, diffRetries: 1 }).design(
      designContext({ parent: marked, diffMode: true }),
    );
    expect(model.calls[1]?.messages[2]?.content).toContain('line 1 (`KEEP = 1`) lies outside the EVOLVE blocks');
    expect(proposal.program).toBe('KEEP = 1\n# EVOLVE-BLOCK-START\nA = 5\n# EVOLVE-BLOCK-END\n');
  });

  it('counts a format problem against the parse-retry budget, not the diff budget', async () => {
    const model = scriptedModel(['no edits at all', 'still none']);
    const error = await rejection(
      createLlmResearcher({ model, templates, maxParseRetries: 1, diffRetries: 5 }).design(context),
    );
    expect(model.calls).toHaveLength(2);
    expect(error.problems[0]).toContain('SEARCH/REPLACE blocks');
  });

  it('enforces max_code_length on the edited program', async () => {
    const model = scriptedModel([
      diff(['STEPS = 10', `STEPS = 10${' # pad'.repeat(20)}`]),
      diff(['STEPS = 10', 'STEPS = 11']),
    ]);
    const proposal = await createLlmResearcher({ model, templates, maxParseRetries: 1, diffRetries: 0 }).design(
      designContext({ parent, diffMode: true, maxCodeLength: parentProgram.length + 10 }),
    );
    expect(model.calls[1]?.messages[2]?.content).toContain('The edited program would be');
    expect(proposal.program).toContain('STEPS = 11');
  });
});

describe('LLM Researcher, feedback from a gate', () => {
  const feedback = 'Your previous proposal was not evaluated: it is a near-duplicate of node #3.';

  it('adds the feedback after the rendered prompt in full-rewrite mode', async () => {
    const model = scriptedModel([rewrite('x = 2')]);
    await createLlmResearcher({ model, templates, maxParseRetries: 0, diffRetries: 0 }).design(
      designContext({ parent, feedback }),
    );
    const prompt = model.calls[0]?.messages[0]?.content ?? '';
    expect(prompt).toContain('Maximise the score.');
    expect(prompt.trimEnd().endsWith(feedback)).toBe(true);
  });

  it('adds the feedback in diff mode too, and nothing without it', async () => {
    const model = scriptedModel([diff(['STEPS = 10', 'STEPS = 12']), diff(['STEPS = 10', 'STEPS = 13'])]);
    const researcher = createLlmResearcher({ model, templates, maxParseRetries: 0, diffRetries: 0 });
    await researcher.design(designContext({ parent, diffMode: true, feedback }));
    await researcher.design(designContext({ parent, diffMode: true }));
    expect(model.calls[0]?.messages[0]?.content).toContain(feedback);
    expect(model.calls[1]?.messages[0]?.content).not.toContain('sent back');
  });
});

describe('researcherPrompt', () => {
  it('renders a context once for the context fit and the Researcher, and again for another context or mode', async () => {
    let renders = 0;
    const counted = {
      ...templates,
      researcherDiff: {
        ...templates.researcherDiff,
        render: (variables: Record<string, unknown>) => (renders++, templates.researcherDiff.render(variables)),
      },
      researcher: {
        ...templates.researcher,
        render: (variables: Record<string, unknown>) => (renders++, templates.researcher.render(variables)),
      },
    };
    const model = scriptedModel([diff(['RATE = 0.5', 'RATE = 0.6'])]);
    const researcher = createLlmResearcher({ model, templates: counted, maxParseRetries: 1, diffRetries: 1 });
    const context = designContext({ parent, diffMode: true });
    const measured = researcherPrompt(counted, context, true);
    await researcher.design(context);
    expect(renders).toBe(1);
    expect(model.calls[0]?.messages[0]?.content).toBe(measured);

    expect(researcherPrompt(counted, context, false)).not.toBe(measured);
    expect(researcherPrompt(counted, { ...context }, true)).toBe(measured);
    expect(renders).toBe(3);
  });
});
