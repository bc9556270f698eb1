import { describe, expect, it } from 'vitest';
import type { NodeRecord, SpendSummary } from '../../store/index.js';
import { node } from '../test-support/experiment.js';
import { renderReportMarkdown, type ReportInput } from './report-markdown.js';

function stored(step: number, overrides: Partial<NodeRecord> = {}): NodeRecord {
  const { id: _id, ...rest } = node(step);
  return { ...rest, id: step, visitCount: 0, createdAt: '2026-01-01T00:00:00.000Z', ...overrides } as NodeRecord;
}

const noSpend: SpendSummary = { totalUsd: 0, inputTokens: 0, outputTokens: 0, calls: 0, byRole: {}, byModel: {} };

// Seed, then 10 designs: scores 1..10 (node 10 best), two failures, provenance varied.
const nodes: NodeRecord[] = [
  stored(0, { name: 'seed', score: 0.5, provenance: 'unknown' }),
  ...Array.from({ length: 10 }, (_, index) => {
    const step = index + 1;
    return stored(step, {
      provenance: step % 2 === 0 ? 'cognition' : step === 9 ? 'novel' : 'experience',
      cognitionIds: step === 10 ? ['hex'] : [],
    });
  }),
  stored(11, { success: false, score: null, error: 'timeout: ran past 30 s', provenance: 'unknown' }),
  stored(12, { success: false, score: null, error: 'bad-results: no results.json', provenance: 'unknown' }),
];

function input(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    experimentName: 'demo',
    experimentDir: '/runs/demo',
    nodes,
    spend: noSpend,
    generatedAt: new Date('2026-02-03T04:05:06.000Z'),
    imagePath: 'score-curve.svg',
    programLanguage: 'js',
    ...overrides,
  };
}

describe('renderReportMarkdown', () => {
  const markdown = renderReportMarkdown(input());

  it('has every section, in order', () => {
    const headings = markdown.split('\n').filter((line) => /^##? /.test(line));
    expect(headings).toEqual([
      '# ASI-Evolve report: demo',
      '## Summary',
      '## Score curve',
      '## Best program',
      '## Top analyses (best 5 nodes)',
      '## Cognition provenance',
      '## Failures by reason',
      '## Spend',
    ]);
  });

  it('summarises the run and links the image', () => {
    expect(markdown).toContain('| Rounds stored | 12 (10 succeeded, 2 failed) |');
    expect(markdown).toContain('| Seed score | 0.500000 |');
    expect(markdown).toContain('| Best score | 10.000000 (node 10, round 10, "design-10") |');
    expect(markdown).toContain('| Gain over the seed | +9.500000 (+1900.0 %) |');
    expect(markdown).toContain("![Score over rounds: every node's score and the best so far](score-curve.svg)");
  });

  it('shows the best program fenced, with a fence longer than any backticks inside', () => {
    expect(markdown).toContain('```js\nconst radius = 10;\nconsole.log(radius);\n```');
    const tricky = renderReportMarkdown(input({ nodes: [stored(1, { program: 'a\n```\nb ```` c\n' })] }));
    expect(tricky).toContain('`````js\na\n```\nb ```` c\n`````');
  });

  it('quotes the analyses of the best five nodes, best first', () => {
    const ranks = [...markdown.matchAll(/^### (\d)\. Node (\d+) /gm)].map((match) => [
      Number(match[1]),
      Number(match[2]),
    ]);
    expect(ranks).toEqual([
      [1, 10],
      [2, 9],
      [3, 8],
      [4, 7],
      [5, 6],
    ]);
    expect(markdown).toContain('> analysis of 10');
    expect(markdown).toContain('> motivation of 10');
  });

  it('gives the provenance split in percent over all designs and the best 10 %', () => {
    expect(markdown).toContain('| provenance | all designs (n = 12) | best 10 % (n = 1) |');
    expect(markdown).toContain('| cognition | 41.7 % | 100.0 % |');
    expect(markdown).toContain('| novel | 8.3 % | 0.0 % |');
    expect(markdown).toContain('| experience | 33.3 % | 0.0 % |');
    expect(markdown).toContain('| unknown | 16.7 % | 0.0 % |');
    expect(markdown).toContain('Cognition items seen by the best 10 %: `hex` (1).');
  });

  it('groups failures by reason with an example', () => {
    expect(markdown).toContain('| timeout | 1 | node 11: timeout: ran past 30 s |');
    expect(markdown).toContain('| bad-results | 1 | node 12: bad-results: no results.json |');
  });

  it('states when there was no LLM spend, and tabulates it by role and model when there was', () => {
    expect(markdown).toContain('No LLM calls were made');
    const spend: SpendSummary = {
      totalUsd: 0.5,
      inputTokens: 3000,
      outputTokens: 600,
      calls: 3,
      byRole: {
        analyzer: { usd: 0.1, inputTokens: 1000, outputTokens: 200, calls: 1 },
        researcher: { usd: 0.4, inputTokens: 2000, outputTokens: 400, calls: 2 },
      },
      byModel: { 'gpt-5-mini': { usd: 0.5, inputTokens: 3000, outputTokens: 600, calls: 3 } },
    };
    const paid = renderReportMarkdown(input({ spend }));
    expect(paid).toContain('$0.50 over 3 calls (3000 input and 600 output tokens).');
    expect(paid).toContain('| researcher | 2 | 2000 | 400 | $0.40 |');
    expect(paid).toContain('| gpt-5-mini | 3 | 3000 | 600 | $0.50 |');
  });

  it('reads well for a run with no successful node', () => {
    const empty = renderReportMarkdown(
      input({ nodes: [stored(1, { success: false, score: null, error: 'exit-code: 1' })] }),
    );
    expect(empty).toContain('| Best score | none yet |');
    expect(empty).toContain('## Best program\n\nNo successful node yet.');
    expect(empty).toContain('| exit-code | 1 |');
  });

  it('escapes HTML it copies from node names, motivations, analyses and errors', () => {
    const hostile = '<img src=x onerror="alert(1)"><script>steal()</script>';
    const report = renderReportMarkdown(
      input({
        nodes: [
          stored(0, { name: 'seed', score: 0.5 }),
          stored(1, {
            name: hostile,
            motivation: `why ${hostile}`,
            analysis: `${hostile}\n& more`,
            operator: '<b>op</b>',
            score: 9,
          }),
          stored(2, { success: false, score: null, error: `exit-code: ${hostile}` }),
        ],
      }),
    );
    expect(report).not.toMatch(/<(img|script|b)\b/);
    expect(report).toContain('"&lt;img src=x onerror="alert(1)"&gt;&lt;script&gt;steal()&lt;/script&gt;"');
    expect(report).toContain('> &amp; more');
    expect(report).toContain('Operator &lt;b&gt;op&lt;/b&gt;;');
  });
});
