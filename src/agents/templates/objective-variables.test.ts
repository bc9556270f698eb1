import { describe, expect, it } from 'vitest';
import { paretoRanks, summaryMetrics, type NodeRecord, type ObjectiveSettings } from '../../domain/index.js';
import { analysisContext, designContext, makeNode } from '../test-support/fixtures.js';
import type { ObjectivesView } from '../types.js';
import { createTemplates } from './load.js';
import { analyzerVariables, researcherVariables } from './variables.js';
import { ruleBasedAnalysis } from '../analyzer/rule-based.js';

const settings: ObjectiveSettings = {
  objectives: [
    { name: 'excess_bins', direction: 'minimize', max: 20 },
    { name: 'seconds', direction: 'minimize' },
  ],
  outOfBounds: 'infeasible',
  instances: 'per_instance',
};

const nodes = [
  makeNode({ id: 1, results: { eval_score: 1, excess_bins: 4, seconds: 0.5, per_instance: { a: 1, b: 0.2 } } }),
  makeNode({ id: 2, results: { eval_score: 1, excess_bins: 2, seconds: 2, per_instance: { a: 0.5, b: 0.9 } } }),
  makeNode({ id: 3, results: { eval_score: 1, excess_bins: 5, seconds: 3, per_instance: { a: 0.1, b: 0.1 } } }),
];

function viewOf(population: readonly NodeRecord[]): ObjectivesView {
  const rankable = population.map((node) => ({
    id: node.id,
    success: node.success,
    metrics: summaryMetrics(node.results, ['per_instance']),
  }));
  return { settings, standings: new Map(paretoRanks(rankable, settings).map((member) => [member.id, member])) };
}

const templates = createTemplates();

describe('objectives in the prompts', () => {
  it('the Researcher is told the objectives, their directions and bounds, and where each sampled node stands', () => {
    const context = designContext({ parent: nodes[0] as NodeRecord, context: nodes, objectives: viewOf(nodes) });
    for (const prompt of [
      templates.researcher.render(researcherVariables(context, false)),
      templates.researcherDiff.render(researcherVariables(context, true)),
    ]) {
      expect(prompt).toContain(
        'several objectives: excess_bins (minimize, must be at most 20); seconds (minimize). No single score decides',
      );
      expect(prompt).toContain('or when it scores best on any task instance');
      expect(prompt).toContain('- excess_bins: minimize; it must be at most 20 (a candidate outside ranks after');
      expect(prompt).toContain('2 candidate(s) are on the Pareto front now.');
      expect(prompt).toContain('Objectives: on the Pareto front; excess_bins 4, seconds 0.5; best on instances: a');
      expect(prompt).toContain('Objectives: on the Pareto front; excess_bins 2, seconds 2; best on instances: b');
      expect(prompt).toContain('Objectives: dominated (front 2); excess_bins 5, seconds 3');
      expect(prompt).not.toContain('judged by that score alone');
    }
  });

  it('without objectives the prompts say nothing of them', () => {
    const prompt = templates.researcher.render(researcherVariables(designContext({ context: nodes }), false));
    expect(prompt).toContain('your candidate is judged by that score alone');
    expect(prompt).not.toContain('Objectives');
    expect(prompt).not.toContain('Pareto');
    const analysis = templates.analyzer.render(
      analyzerVariables(analysisContext({ parent: nodes[0] as NodeRecord }), '', 0),
    );
    expect(analysis).not.toContain('Objectives');
    expect(analysis).toContain('Compare the score and the metrics with the parent');
  });

  it('the Analyzer compares the candidate with its parent on each objective, with the numbers', () => {
    const context = analysisContext({
      parent: nodes[0] as NodeRecord,
      results: { eval_score: 1, excess_bins: 3, seconds: 0.9 },
      objectives: viewOf(nodes),
    });
    const prompt = templates.analyzer.render(analyzerVariables(context, '', 0));
    expect(prompt).toContain('- excess_bins (minimize): 3 vs parent 4 (better)');
    expect(prompt).toContain('- seconds (minimize): 0.9 vs parent 0.5 (worse)');
    expect(prompt).toContain('No node of the front dominates it: it joins the Pareto front.');
    expect(prompt).toContain('Compare it with the parent on each objective');

    const dominated = analyzerVariables(
      analysisContext({ parent: null, results: { excess_bins: 4, seconds: 1 }, objectives: viewOf(nodes) }),
      '',
      0,
    );
    expect(dominated.front_verdict).toBe('It is dominated by #1 of the front.');
    expect(dominated.objective_comparison).toEqual([
      expect.objectContaining({ name: 'excess_bins', value: 4, parent_value: null, verdict: 'not comparable' }),
      expect.objectContaining({ name: 'seconds', value: 1, parent_value: null, verdict: 'not comparable' }),
    ]);
  });

  it('the rule-based analysis of the no-model mode compares the objectives too, and only with objectives', () => {
    const base = { parent: nodes[0] as NodeRecord, results: { eval_score: 1, excess_bins: 3, seconds: 0.9 } };
    expect(ruleBasedAnalysis(analysisContext({ ...base, objectives: viewOf(nodes) }))).toContain(
      'Objectives: excess_bins (minimize): 3 vs parent 4 (better); seconds (minimize): 0.9 vs parent 0.5 (worse). No node of the front dominates it: it joins the Pareto front.',
    );
    expect(ruleBasedAnalysis(analysisContext(base))).not.toContain('Objectives');
  });
});
