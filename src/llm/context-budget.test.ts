import { describe, expect, it } from 'vitest';
import type { CognitionItem } from '../cognition/item.js';
import type { NodeRecord } from '../domain/index.js';
import { createTemplates } from '../agents/index.js';
import { researcherVariables } from '../agents/templates/variables.js';
import type { DesignContext, Proposal } from '../agents/types.js';
import { createRandom } from '../random.js';
import {
  checkContextBudget,
  describeTrimmed,
  fitDesignContext,
  trimPromptParts,
  withContextFit,
  type PromptPart,
} from './context-budget.js';
import { estimateTokens } from './token-estimate.js';

const text = (tokens: number): string => 'x'.repeat(tokens * 4);

function node(id: number, programTokens: number): NodeRecord {
  return {
    id,
    step: id,
    name: `n${id}`,
    motivation: 'm',
    program: text(programTokens),
    results: { eval_score: id, blob: text(50) },
    analysis: text(100),
    score: id,
    evalScore: id,
    success: true,
    error: null,
    parentIds: [],
    cognitionIds: [],
    provenance: 'unknown',
    visitCount: 0,
    runtimeMs: 0,
    island: null,
    operator: 'llm',
    metadata: {},
    usage: { inputTokens: undefined, cachedInputTokens: undefined, outputTokens: undefined },
    costUsd: 0,
    createdAt: '',
  };
}

const item = (id: string): CognitionItem => ({ id, title: id, content: text(80), source: 's', tags: [], metadata: {} });

describe('trimPromptParts', () => {
  const parts: PromptPart[] = [
    { kind: 'fixed', label: 'task', text: text(100) },
    { kind: 'context-code', label: 'code of #1', text: text(500) },
    { kind: 'context-analysis', label: 'analysis of #1', text: text(200) },
    { kind: 'context-code', label: 'code of #2', text: text(500) },
    { kind: 'cognition', label: 'cognition c1', text: text(100) },
  ];

  it('leaves a prompt that fits untouched', () => {
    const result = trimPromptParts(parts, 2000);
    expect(result.trimmed).toEqual([]);
    expect(result.fits).toBe(true);
    expect(result.tokens).toBe(1400);
  });

  it('gives up context code first, from the last node back, then analyses, then cognition', () => {
    const first = trimPromptParts(parts, 1000);
    expect(first.trimmed.map((part) => part.label)).toEqual(['code of #2']);
    expect(first.fits).toBe(true);
    expect(first.parts[3]?.text).toContain('code of #2 omitted');
    const deep = trimPromptParts(parts, 170);
    expect(deep.trimmed.map((part) => part.kind)).toEqual([
      'context-code',
      'context-code',
      'context-analysis',
      'cognition',
    ]);
    expect(deep.fits).toBe(true);
    expect(describeTrimmed(deep.trimmed)).toMatch(
      /^trimmed to fit the context window \(~1300 tokens\): code of #2, code of #1/,
    );
  });

  it('never trims fixed parts, and says when even that is not enough', () => {
    const result = trimPromptParts(parts, 50);
    expect(result.fits).toBe(false);
    expect(result.parts[0]?.text).toBe(parts[0]?.text);
  });
});

describe('checkContextBudget', () => {
  it('warns with what would be trimmed, or that nothing can make it fit', () => {
    const [fits, trims, hopeless] = checkContextBudget([
      {
        role: 'researcher',
        modelId: 'big',
        contextWindow: 128_000,
        maxOutputTokens: 8192,
        parts: [{ kind: 'fixed', label: 'all', text: text(5000) }],
      },
      {
        role: 'researcher',
        modelId: 'small',
        contextWindow: 8000,
        maxOutputTokens: 2000,
        parts: [
          { kind: 'fixed', label: 'task', text: text(3000) },
          { kind: 'context-code', label: 'code of #3', text: text(4000) },
        ],
      },
      {
        role: 'analyzer',
        modelId: 'tiny',
        contextWindow: 4000,
        maxOutputTokens: 1000,
        parts: [{ kind: 'fixed', label: 'prompt', text: text(5000) }],
      },
    ]);
    expect(fits?.warning).toBeNull();
    expect(trims?.fits).toBe(false);
    expect(trims?.wouldTrim.map((part) => part.label)).toEqual(['code of #3']);
    expect(trims?.warning).toContain('exceeds the 6000 tokens');
    expect(trims?.warning).toContain('context-code → context-results → context-analysis → cognition');
    expect(hopeless?.tooLongEvenTrimmed).toBe(true);
    expect(hopeless?.warning).toContain('cannot fit');
  });
});

describe('fitDesignContext', () => {
  const measure = (value: { parent: NodeRecord | null; context: NodeRecord[]; cognition: CognitionItem[] }): number =>
    100 +
    value.context.reduce(
      (sum, entry) =>
        sum +
        estimateTokens(entry.program) +
        estimateTokens(entry.analysis) +
        estimateTokens(JSON.stringify(entry.results)),
      0,
    ) +
    value.cognition.reduce((sum, entry) => sum + estimateTokens(entry.content), 0);

  it('trims the other nodes in the stated order, never the parent, and leaves the input unchanged', () => {
    const parent = node(1, 1000);
    const context = [parent, node(2, 1000), node(3, 1000)];
    const value = { parent, context, cognition: [item('c1'), item('c2')] };
    const before = measure(value);
    const fitted = fitDesignContext(value, { maxPromptTokens: before - 1500, measure });
    expect(fitted.fits).toBe(true);
    expect(fitted.trimmed.map((part) => part.label)).toEqual(['code of #3', 'code of #2']);
    expect(fitted.value.context[0]?.program).toBe(parent.program);
    expect(fitted.value.context[2]?.program).toContain('omitted');
    expect(context[2]?.program).toBe(text(1000));

    const deep = fitDesignContext(value, { maxPromptTokens: 1450, measure });
    expect(deep.trimmed.map((part) => part.label)).toEqual([
      'code of #3',
      'code of #2',
      'results of #3',
      'results of #2',
      'analysis of #3',
      'analysis of #2',
      'cognition c2',
    ]);
    expect(deep.value.context[1]?.results).toEqual({ eval_score: 2 });
    expect(deep.value.cognition.map((entry) => entry.id)).toEqual(['c1']);
    expect(deep.tokens).toBeLessThanOrEqual(1450);
    expect(deep.fits).toBe(true);
  });

  it('reports a prompt that cannot fit after every trim', () => {
    const parent = node(1, 5000);
    const fitted = fitDesignContext({ parent, context: [parent], cognition: [] }, { maxPromptTokens: 1000, measure });
    expect(fitted.fits).toBe(false);
    expect(fitted.trimmed).toEqual([]);
  });
});

describe('withContextFit around a designer, with the real researcher template', () => {
  it('trims the context it passes on until the rendered prompt fits, and notes what it trimmed', async () => {
    const templates = createTemplates();
    const parent = node(1, 500);
    const context: DesignContext = {
      task: 'Pack circles.',
      step: 4,
      parent,
      context: [parent, node(2, 3000), node(3, 3000)],
      cognition: [item('c1')],
      diffMode: true,
      maxCodeLength: 100_000,
      random: createRandom(0),
    };
    const render = (value: DesignContext) => templates.researcherDiff.render(researcherVariables(value, true));
    const full = estimateTokens(render(context));
    const seen: DesignContext[] = [];
    const designer = {
      name: 'test',
      design: async (value: DesignContext): Promise<Proposal> => {
        seen.push(value);
        return {
          name: 'n',
          motivation: 'm',
          program: 'p',
          provenance: 'novel',
          operator: 'llm',
          notes: { mode: 'diff' },
        };
      },
    };
    const proposal = await withContextFit(designer, { maxPromptTokens: full - 4000, render }).design(context);
    expect(estimateTokens(render(seen[0] as DesignContext))).toBeLessThanOrEqual(full - 4000);
    expect(seen[0]?.context[0]?.program).toBe(parent.program);
    expect(proposal.notes).toEqual({
      mode: 'diff',
      contextTrim: expect.stringMatching(/^trimmed to fit the context window .*: code of #3, code of #2$/),
    });
    const untouched = await withContextFit(designer, { maxPromptTokens: full, render }).design(context);
    expect(untouched.notes).toEqual({ mode: 'diff' });
  });
});
