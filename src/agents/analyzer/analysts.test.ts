import { describe, expect, it } from 'vitest';
import { analysisContext, makeNode } from '../test-support/fixtures.js';
import { createRawAnalyst } from './raw.js';
import { createRuleBasedAnalyst } from './rule-based.js';

describe('raw analyst (the no-Analyzer ablation)', () => {
  it('stores the outcome, the raw results JSON and the log tail', async () => {
    const analysis = await createRawAnalyst({ logTailChars: 9 }).analyse(
      analysisContext({ results: { eval_score: 0.6, n: 26 }, logs: 'early output\nlast line' }),
    );
    expect(analysis).toContain('Evaluation succeeded with score 0.6.');
    expect(analysis).toContain(JSON.stringify({ eval_score: 0.6, n: 26 }, null, 2));
    expect(analysis).toContain('[... 13 earlier characters left out ...]\nlast line');
  });

  it('states the failure reason', async () => {
    const analysis = await createRawAnalyst().analyse(
      analysisContext({ success: false, score: null, error: 'exit-code: exited with 1' }),
    );
    expect(analysis.startsWith('Evaluation failed: exit-code: exited with 1.')).toBe(true);
  });
});

describe('rule-based analyst', () => {
  const analyst = createRuleBasedAnalyst();
  const parent = makeNode({
    id: 3,
    name: 'ring',
    score: 0.96,
    results: { eval_score: 0.96, accuracy: 0.91, runtime_s: 12, old: 1 },
  });

  it('compares with the parent, lists metric deltas and recommends keeping an improvement', async () => {
    const analysis = await analyst.analyse(
      analysisContext({
        score: 0.972,
        results: { eval_score: 0.972, accuracy: 0.93, runtime_s: 12, fresh: 5, label: 'x' },
        parent,
      }),
    );
    expect(analysis).toBe(
      [
        'Outcome: succeeded with score 0.972.',
        'Parent #3 (ring) scored 0.96: +0.012 (+1.3 %).',
        'Metrics vs parent #3: accuracy 0.91 → 0.93 (+0.02 (+2.2 %)); fresh = 5 (new); old (was 1) is gone.',
        'Recommendation: improved on parent by +0.012 (+1.3 %): keep this direction.',
      ].join('\n'),
    );
  });

  it('says when a node beats the best sampled node as well', async () => {
    const best = makeNode({ id: 8, name: 'best', score: 0.97 });
    const analysis = await analyst.analyse(analysisContext({ score: 0.98, results: {}, parent, bestSampled: best }));
    expect(analysis).toContain('Best sampled #8 (best) scored 0.97: +0.01 (+1.0 %).');
    expect(analysis).toContain(
      'Recommendation: new best among the sampled nodes; improved on parent by +0.02 (+2.1 %)',
    );
  });

  it('recommends reverting a regression', async () => {
    const analysis = await analyst.analyse(analysisContext({ score: 0.9, results: { eval_score: 0.9 }, parent }));
    expect(analysis).toContain(
      'Recommendation: worse than parent by -0.06 (-6.3 %): revert this change or try another direction.',
    );
  });

  it('names the failure reason and what to do about it', async () => {
    const analysis = await analyst.analyse(
      analysisContext({
        success: false,
        score: null,
        error: 'timeout: timed out after 30 s',
        logs: 'step 1\nstep 2\n\n',
        results: {},
      }),
    );
    expect(analysis).toContain('Outcome: failed (timeout: timed out after 30 s).');
    expect(analysis).toContain('Last output line: step 2');
    expect(analysis).toContain(
      'Recommendation: failed: timeout: timed out after 30 s: reduce the work or make it faster.',
    );
  });

  it('treats the first scored node as a baseline', async () => {
    expect(await analyst.analyse(analysisContext())).toContain(
      'Recommendation: first scored candidate: a baseline to improve on.',
    );
  });

  it('is deterministic', async () => {
    const context = analysisContext({ score: 0.5, parent, results: { accuracy: 0.1 } });
    expect(await analyst.analyse(context)).toBe(await analyst.analyse(context));
  });
});
