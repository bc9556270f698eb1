import { describe, expect, it } from 'vitest';
import { createBuiltinDesigner } from '../builtin/designer.js';
import { ResearcherError } from '../errors.js';
import { createLlmResearcher } from '../researcher/researcher.js';
import { createTemplates } from '../templates/load.js';
import { designContext, makeNode, scriptedModel } from '../test-support/fixtures.js';
import type { DesignContext, Designer, Proposal } from '../types.js';
import { noveltyCandidates } from './candidates.js';
import { createNoveltyGate } from './novelty.js';
import { designWithNoveltyGate, noveltyEvents, noveltyMetadata } from './novelty-loop.js';
import type { NoveltyCandidate } from './novelty-types.js';

const stored = [
  makeNode({ id: 1, motivation: 'place circles on a square grid', program: 'layout = "grid"\nsize = 5\n' }),
  makeNode({
    id: 2,
    motivation: 'place circles on two rings',
    program: 'layout = "rings"\ninner = 0.2\nouter = 0.4\n',
  }),
];
const existing: NoveltyCandidate[] = stored.map((node) => ({
  id: node.id,
  motivation: node.motivation,
  program: node.program,
  score: node.score,
}));

function proposal(program: string, name = 'candidate'): Proposal {
  return { name, motivation: `motivation of ${name}`, program, provenance: 'novel', operator: 'test', notes: {} };
}

/** A designer that answers from a list and records every context it was given. */
function scriptedDesigner(answers: Array<Proposal | Error>): Designer & { contexts: DesignContext[] } {
  const contexts: DesignContext[] = [];
  return {
    name: 'scripted',
    contexts,
    design: async (context) => {
      contexts.push(context);
      const answer = answers[contexts.length - 1];
      if (answer === undefined) throw new Error('script exhausted');
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

describe('designWithNoveltyGate', () => {
  it('rejects a near-duplicate before any evaluation runs and evaluates only the re-designed candidate', async () => {
    const evaluated: string[] = [];
    const evaluate = async (program: string): Promise<void> => {
      evaluated.push(program);
    };
    const designer = scriptedDesigner([
      proposal(stored[1]!.program, 'copy'),
      proposal('layout = "hexagonal"\nrows = 6\n', 'hex'),
    ]);
    const gate = createNoveltyGate({ threshold: 0.95, compare: 'both' });
    const gated = await designWithNoveltyGate({
      designer,
      context: designContext({ step: 4 }),
      gate,
      existing,
      maxAttempts: 2,
    });
    await evaluate(gated.proposal.program);

    expect(evaluated).toEqual(['layout = "hexagonal"\nrows = 6\n']);
    expect(gated).toMatchObject({
      checks: 2,
      exhausted: false,
      rejections: [{ attempt: 0, name: 'copy', nearestId: 2, field: 'program', exact: true, similarity: 1 }],
    });
    expect(designer.contexts[0]?.feedback).toBeUndefined();
    const feedback = designer.contexts[1]?.feedback ?? '';
    expect(feedback).toContain('node #2');
    expect(feedback).toContain('place circles on two rings');
    // Each re-ask draws from its own stream.
    expect(designer.contexts[1]?.random.next()).not.toBe(designContext({ step: 4 }).random.next());
  });

  it('gives up after max_attempts re-asks and keeps the last proposal', async () => {
    const designer = scriptedDesigner([
      proposal(stored[0]!.program, 'a'),
      proposal(stored[1]!.program, 'b'),
      proposal(stored[0]!.program, 'c'),
    ]);
    const gate = createNoveltyGate({ threshold: 0.95, compare: 'program' });
    const gated = await designWithNoveltyGate({ designer, context: designContext(), gate, existing, maxAttempts: 2 });
    expect(gated.proposal.name).toBe('c');
    expect(gated).toMatchObject({ checks: 3, exhausted: true });
    expect(gated.rejections.map((rejection) => rejection.nearestId)).toEqual([1, 2, 1]);
    expect(designer.contexts).toHaveLength(3);
    expect(noveltyMetadata(gated)).toMatchObject({
      checks: 3,
      rejected: 3,
      exhausted: true,
      nearest: { id: 1, similarity: 1, field: 'program' },
    });
    const events = noveltyEvents(gated);
    expect(events).toHaveLength(3);
    expect(events[1]).toMatchObject({ type: 'novelty-rejected', data: { attempt: 1, nearestId: 2, exact: true } });
    expect(events[1]?.message).toContain('identical to node #2');
  });

  it('with max_attempts 0 only records the rejection', async () => {
    const designer = scriptedDesigner([proposal(stored[0]!.program)]);
    const gated = await designWithNoveltyGate({
      designer,
      context: designContext(),
      gate: createNoveltyGate({ threshold: 0.9, compare: 'both' }),
      existing,
      maxAttempts: 0,
    });
    expect(gated).toMatchObject({ checks: 1, exhausted: true, rejections: [{ nearestId: 1 }] });
  });

  it('keeps the last proposal when a re-ask gives no usable answer, but propagates other errors', async () => {
    const gate = createNoveltyGate({ threshold: 0.9, compare: 'program' });
    const unusable = scriptedDesigner([
      proposal(stored[0]!.program, 'first'),
      new ResearcherError('no usable answer', [], ''),
    ]);
    const kept = await designWithNoveltyGate({
      designer: unusable,
      context: designContext(),
      gate,
      existing,
      maxAttempts: 2,
    });
    expect(kept).toMatchObject({ proposal: { name: 'first' }, exhausted: true, reaskError: 'no usable answer' });
    expect(noveltyMetadata(kept)).toMatchObject({ reaskError: 'no usable answer' });
    const broken = scriptedDesigner([proposal(stored[0]!.program), new Error('disk full')]);
    await expect(
      designWithNoveltyGate({ designer: broken, context: designContext(), gate, existing, maxAttempts: 2 }),
    ).rejects.toThrow('disk full');
  });

  it('without a gate designs once and checks nothing', async () => {
    const designer = scriptedDesigner([proposal(stored[0]!.program)]);
    const gated = await designWithNoveltyGate({
      designer,
      context: designContext(),
      gate: null,
      existing,
      maxAttempts: 2,
    });
    expect(gated).toMatchObject({ checks: 0, rejections: [], exhausted: false, verdict: null });
    expect(noveltyMetadata(gated)).toMatchObject({ checks: 0, rejected: 0, nearest: null });
  });

  it('sends the LLM Researcher the near-duplicate in its next prompt', async () => {
    const answer = (code: string): string =>
      `<name>n</name>\n<motivation>m</motivation>\n<provenance>novel</provenance>\n<code>\n${code}\n</code>`;
    const model = scriptedModel([answer(stored[0]!.program.trimEnd()), answer('layout = "spiral"')]);
    const researcher = createLlmResearcher({ model, templates: createTemplates(), maxParseRetries: 0, diffRetries: 0 });
    const gated = await designWithNoveltyGate({
      designer: researcher,
      context: designContext({ parent: stored[0]! }),
      gate: createNoveltyGate({ threshold: 0.95, compare: 'both' }),
      existing,
      maxAttempts: 1,
    });
    expect(gated.proposal.program).toBe('layout = "spiral"\n');
    expect(model.calls[1]?.messages[0]?.content).toContain(
      'near-duplicate of an existing candidate: its program is identical to that of node #1',
    );
  });

  it('lets the built-in operator draw again on each re-ask', async () => {
    const parent = makeNode({ id: 5, program: 'radius = 0.125\ngap = 0.031\nangle = 1.57\n' });
    const gate = createNoveltyGate({ threshold: 0, compare: 'program' });
    const gated = await designWithNoveltyGate({
      designer: createBuiltinDesigner(),
      context: designContext({ parent, context: [parent] }),
      gate,
      existing: [{ id: 5, motivation: parent.motivation, program: parent.program }],
      maxAttempts: 3,
    });
    expect(gated.rejections).toHaveLength(4);
    expect(new Set(gated.rejections.map((rejection) => rejection.similarity)).size).toBeGreaterThan(1);
  });
});

describe('noveltyCandidates', () => {
  it('loads texts on first use, once per node', async () => {
    const loads: number[] = [];
    const candidates = noveltyCandidates(
      stored.map((node) => ({ id: node.id, score: node.score })),
      (id) => {
        loads.push(id);
        return stored.find((node) => node.id === id)!;
      },
    );
    expect(loads).toEqual([]);
    expect(candidates[1]?.program).toBe(stored[1]!.program);
    expect(candidates[1]?.motivation).toBe(stored[1]!.motivation);
    expect(loads).toEqual([2]);
    const gate = createNoveltyGate({ threshold: 0.95, compare: 'both' });
    await gate.check({ motivation: 'x', program: 'y = 1' }, candidates);
    await gate.check({ motivation: 'z', program: 'w = 2' }, candidates);
    expect(loads).toEqual([2, 1]);
  });
});
