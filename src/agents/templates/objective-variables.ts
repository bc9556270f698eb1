import {
  dominatesOnObjectives,
  listInstances,
  summaryMetrics,
  type JsonObject,
  type NodeRecord,
  type Objective,
} from '../../domain/index.js';
import type { ObjectivesView } from '../types.js';
import type { TemplateVariables } from './variables.js';

/** An objective's bound in words ("at least 0.5", "between 0 and 10"), or empty text. */
function boundText(objective: Objective): string {
  if (objective.min !== undefined && objective.max !== undefined)
    return `between ${objective.min} and ${objective.max}`;
  if (objective.min !== undefined) return `at least ${objective.min}`;
  if (objective.max !== undefined) return `at most ${objective.max}`;
  return '';
}

function objectiveText(objective: Objective): string {
  const bound = boundText(objective);
  return `${objective.name} (${objective.direction}${bound === '' ? '' : `, must be ${bound}`})`;
}

/**
 * The `objectives` variable: none with one score; else the list of objectives (name,
 * direction, bound in words), what a bound violation means, the per-instance key, how many
 * nodes are on the front, and `text`, the objectives in one line.
 */
export function objectivesVariable(view: ObjectivesView | undefined): TemplateVariables | null {
  if (view === undefined) return null;
  const { objectives, outOfBounds, instances } = view.settings;
  let frontSize = 0;
  for (const member of view.standings.values()) if (member.rank === 0) frontSize++;
  return {
    list: objectives.map((objective) => ({
      name: objective.name,
      direction: objective.direction,
      bound: boundText(objective),
    })),
    out_of_bounds: outOfBounds,
    instances: instances ?? null,
    front_size: frontSize,
    text: objectives.map(objectiveText).join('; '),
  };
}

/** A node's values of the objectives, by name, read from its results as the summary keeps them. */
function valuesOf(results: JsonObject, view: ObjectivesView): Record<string, number> {
  const metrics = summaryMetrics(results, view.settings.instances === undefined ? [] : [view.settings.instances]);
  const values: Record<string, number> = {};
  for (const objective of view.settings.objectives) {
    const value = metrics[objective.name];
    if (value !== undefined) values[objective.name] = value;
  }
  return values;
}

/**
 * A node's `standing`: none with one score; else its rank (0 = on the front, none when it is
 * not ranked: failed or missing a value), whether it is on the front and inside every bound, its
 * objective values, the instances it wins, and `summary`, all of it in one line.
 */
export function standingVariable(node: NodeRecord, view: ObjectivesView | undefined): TemplateVariables | null {
  if (view === undefined) return null;
  const member = view.standings.get(node.id);
  const values = member?.values ?? valuesOf(node.results, view);
  const valueText = view.settings.objectives
    .map((objective) => `${objective.name} ${values[objective.name] ?? 'missing'}`)
    .join(', ');
  const wins = member?.winsInstances ?? [];
  let place: string;
  if (member === undefined) place = node.success ? 'not ranked (an objective is missing)' : 'not ranked (failed)';
  else if (member.rank === 0) place = 'on the Pareto front';
  else place = `dominated (front ${member.rank + 1})`;
  const parts = [place, valueText];
  if (member !== undefined && !member.feasible) parts.push('outside a bound');
  if (wins.length > 0) parts.push(`best on instances: ${listInstances(wins)}`);
  return {
    rank: member?.rank ?? null,
    on_front: member?.rank === 0,
    feasible: member?.feasible ?? null,
    values: view.settings.objectives.map((objective) => ({
      name: objective.name,
      value: values[objective.name] ?? null,
    })),
    wins_instances: wins,
    summary: parts.join('; '),
  };
}

function verdictOf(objective: Objective, value: number | undefined, parentValue: number | undefined): string {
  if (value === undefined || parentValue === undefined) return 'not comparable';
  if (value === parentValue) return 'equal';
  const better = objective.direction === 'maximize' ? value > parentValue : value < parentValue;
  return better ? 'better' : 'worse';
}

/**
 * The Analyzer's comparison: for each objective, the candidate's value, the parent's (none when
 * there is no parent or no value) and the verdict in the objective's direction (`better`,
 * `worse`, `equal`, `not comparable`); empty with one score. `front` says, in one line, whether
 * the candidate is dominated by a node of the front as it stood before it.
 */
export function objectiveComparison(
  results: JsonObject,
  success: boolean,
  parent: NodeRecord | null,
  view: ObjectivesView | undefined,
): { comparison: TemplateVariables[]; front: string } {
  if (view === undefined) return { comparison: [], front: '' };
  const values = valuesOf(results, view);
  const parentValues = parent === null ? {} : valuesOf(parent.results, view);
  const comparison = view.settings.objectives.map((objective) => {
    const value = values[objective.name];
    const parentValue = parentValues[objective.name];
    return {
      name: objective.name,
      direction: objective.direction,
      value: value ?? null,
      parent_value: parentValue ?? null,
      verdict: verdictOf(objective, value, parentValue),
      text: `${objective.name} (${objective.direction}): ${value ?? 'missing'}${parent === null ? '' : ` vs parent ${parentValue ?? 'missing'}`}${parent === null ? '' : ` (${verdictOf(objective, value, parentValue)})`}`,
    };
  });
  const complete = view.settings.objectives.every((objective) => values[objective.name] !== undefined);
  let front: string;
  if (!success || !complete) front = 'It has no value for every objective, so it is not ranked.';
  else {
    const dominating = [...view.standings.values()]
      .filter((member) => member.rank === 0 && member.feasible)
      .filter((member) => dominatesOnObjectives(member.values, values, view.settings.objectives))
      .map((member) => `#${member.id}`);
    front =
      dominating.length === 0
        ? 'No node of the front dominates it: it joins the Pareto front.'
        : `It is dominated by ${dominating.join(', ')} of the front.`;
  }
  return { comparison, front };
}
