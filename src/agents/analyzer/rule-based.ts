import type { JsonObject, NodeRecord } from '../../domain/index.js';
import { formatDelta, formatNumber } from '../numbers.js';
import { objectiveComparison } from '../templates/objective-variables.js';
import type { AnalysisContext, Analyst } from '../types.js';

const failureAdvice: Record<string, string> = {
  timeout: 'reduce the work or make it faster',
  memory: 'reduce memory use',
  'exit-code': 'fix the error shown in the output',
  signal: 'find what crashed or killed the program',
  'bad-results': 'make the program produce results the evaluator can read',
  unsuccessful: 'the evaluator rejected the result: respect the task constraints',
  lost: 'the evaluation was lost, not the program at fault: run it again',
};

const maxMetrics = 20;

function numericFields(results: JsonObject): Map<string, number> {
  const fields = new Map<string, number>();
  for (const [key, value] of Object.entries(results)) {
    if (key === 'eval_score' || key === 'success') continue;
    if (typeof value === 'number' && Number.isFinite(value)) fields.set(key, value);
  }
  return fields;
}

function metricChanges(results: JsonObject, parent: NodeRecord): string | null {
  const now = numericFields(results);
  const before = numericFields(parent.results);
  if (now.size === 0 && before.size === 0) return null;
  const changes: string[] = [];
  for (const key of [...new Set([...now.keys(), ...before.keys()])].sort()) {
    const value = now.get(key);
    const previous = before.get(key);
    if (value !== undefined && previous !== undefined) {
      if (value !== previous)
        changes.push(`${key} ${formatNumber(previous)} → ${formatNumber(value)} (${formatDelta(value, previous)})`);
    } else if (value !== undefined) {
      changes.push(`${key} = ${formatNumber(value)} (new)`);
    } else if (previous !== undefined) {
      changes.push(`${key} (was ${formatNumber(previous)}) is gone`);
    }
  }
  if (changes.length === 0) return `Metrics vs parent #${parent.id}: unchanged.`;
  const shown = changes.slice(0, maxMetrics);
  const more = changes.length > maxMetrics ? `; and ${changes.length - maxMetrics} more` : '';
  return `Metrics vs parent #${parent.id}: ${shown.join('; ')}${more}.`;
}

function lastOutputLine(logs: string): string | null {
  const line = logs
    .split('\n')
    .map((text) => text.trim())
    .filter((text) => text !== '')
    .pop();
  if (line === undefined) return null;
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

function failureRecommendation(error: string | null): string {
  const text = error ?? 'no reason recorded';
  const reason = Object.keys(failureAdvice).find((key) => text.startsWith(key));
  return `failed: ${text}: ${reason === undefined ? 'fix the cause shown in the output' : failureAdvice[reason]}`;
}

function scoredRecommendation(score: number, parent: NodeRecord | null, best: NodeRecord | null): string {
  if (parent !== null && parent.score !== null) {
    const delta = formatDelta(score, parent.score);
    if (score > parent.score) {
      const newBest = best !== null && best.id !== parent.id && best.score !== null && score > best.score;
      return `${newBest ? 'new best among the sampled nodes; ' : ''}improved on parent by ${delta}: keep this direction`;
    }
    if (score === parent.score)
      return 'same score as the parent: the change had no effect; try a bolder or different change';
    return `worse than parent by ${delta}: revert this change or try another direction`;
  }
  if (best !== null && best.score !== null) {
    if (score > best.score)
      return `beats the best sampled node #${best.id} by ${formatDelta(score, best.score)}: keep this direction`;
    return `below the best sampled node #${best.id} by ${formatDelta(score, best.score)}: build on #${best.id} or try another direction`;
  }
  return 'first scored candidate: a baseline to improve on';
}

/** The rule-based analysis text (deterministic); see createRuleBasedAnalyst. */
export function ruleBasedAnalysis(context: AnalysisContext): string {
  const { parent, bestSampled: best, score } = context;
  const lines: string[] = [];
  if (!context.success) {
    lines.push(`Outcome: failed (${context.error ?? 'no reason recorded'}).`);
    const last = lastOutputLine(context.logs);
    if (last !== null) lines.push(`Last output line: ${last}`);
  } else if (score === null) {
    lines.push('Outcome: succeeded, but no score was produced.');
  } else {
    lines.push(`Outcome: succeeded with score ${formatNumber(score)}.`);
    if (parent !== null && parent.score !== null) {
      lines.push(
        `Parent #${parent.id} (${parent.name}) scored ${formatNumber(parent.score)}: ${formatDelta(score, parent.score)}.`,
      );
    }
    if (best !== null && best.score !== null && best.id !== parent?.id) {
      lines.push(
        `Best sampled #${best.id} (${best.name}) scored ${formatNumber(best.score)}: ${formatDelta(score, best.score)}.`,
      );
    }
  }
  if (parent !== null) {
    const metrics = metricChanges(context.results, parent);
    if (metrics !== null) lines.push(metrics);
  }
  if (context.objectives !== undefined) {
    const { comparison, front } = objectiveComparison(context.results, context.success, parent, context.objectives);
    lines.push(`Objectives: ${comparison.map((row) => String(row.text)).join('; ')}. ${front}`);
  }
  const recommendation = !context.success
    ? failureRecommendation(context.error)
    : score === null
      ? 'succeeded without a score: check that the evaluator writes eval_score to results.json'
      : scoredRecommendation(score, parent, best);
  lines.push(`Recommendation: ${recommendation}.`);
  return lines.join('\n');
}

/**
 * The analysis of the no-model mode: the score against the parent and the best sampled node,
 * the changes of the numeric results fields against the parent, with objectives each objective
 * against the parent and whether the front dominates it, the failure reason, and a one-line
 * recommendation. Deterministic; needs no LLM.
 * @example await createRuleBasedAnalyst().analyse(context) // "Outcome: succeeded with score 0.972.\n…\nRecommendation: improved on parent by +0.012 (+1.3 %): keep this direction."
 */
export function createRuleBasedAnalyst(): Analyst {
  return { name: 'rule-based', analyse: async (context) => ruleBasedAnalysis(context) };
}
