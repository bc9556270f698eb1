import type { CognitionItem } from '../../cognition/index.js';
import { FileSetError, parseFileSet, type JsonObject, type NodeRecord } from '../../domain/index.js';
import type { AnalysisContext, DesignContext, ProjectView } from '../types.js';
import type { JudgeContext } from '../judge/judge-context.js';
import { objectiveComparison, objectivesVariable, standingVariable } from './objective-variables.js';

/** Template variables: plain data, as a Jinja2 template would receive it. */
export type TemplateVariables = Record<string, unknown>;

/**
 * A copy of a JSON object that prints as JSON (`{{ results }}` renders the JSON text, as the
 * Python reference's string did) while its fields stay reachable (`{{ results.accuracy }}`).
 */
export function printableJson(value: JsonObject, indent?: number): JsonObject {
  const copy: JsonObject = { ...value };
  Object.defineProperty(copy, 'toString', { value: () => JSON.stringify(value, null, indent), enumerable: false });
  return copy;
}

/** The view of a stored node that templates receive. */
export function nodeVariables(node: NodeRecord): TemplateVariables {
  return {
    id: node.id,
    step: node.step,
    name: node.name,
    motivation: node.motivation,
    program: node.program,
    code: node.program,
    score: node.score,
    eval_score: node.evalScore,
    success: node.success,
    error: node.error,
    analysis: node.analysis,
    results: printableJson(node.results),
    results_json: JSON.stringify(node.results),
    operator: node.operator,
    provenance: node.provenance,
  };
}

function cognitionVariables(item: CognitionItem): TemplateVariables {
  return { id: item.id, title: item.title, content: item.content, source: item.source, tags: item.tags };
}

/** The best successful node with a score, or null. The first one wins a tie. */
export function bestNode(nodes: readonly NodeRecord[]): NodeRecord | null {
  let best: NodeRecord | null = null;
  for (const node of nodes) {
    if (!node.success || node.score === null) continue;
    if (best === null || (best.score !== null && node.score > best.score)) best = node;
  }
  return best;
}

/**
 * The `project` variable of a multi-file round: the files to edit (the parent's, else the
 * seed's) with their paths, the editable patterns and the read-only outline; null otherwise.
 */
function projectVariables(context: DesignContext, project: ProjectView | undefined): TemplateVariables | null {
  let files: Map<string, string> | null;
  try {
    files = parseFileSet(context.parent?.program ?? project?.seedProgram ?? '');
  } catch (error) {
    // Not a well-formed bundle (a size estimate's synthetic program): shown as one text.
    if (error instanceof FileSetError) return null;
    throw error;
  }
  if (files === null) return null;
  return {
    files: [...files].map(([path, content]) => ({ path, content })),
    editable: [...(project?.editable ?? files.keys())],
    outline: project?.outline ?? '',
  };
}

/** Variables of `researcher.jinja2` and `researcher_diff.jinja2`. */
export function researcherVariables(
  context: DesignContext,
  diffMode: boolean,
  project?: ProjectView,
): TemplateVariables {
  const withStanding = (node: NodeRecord): TemplateVariables => ({
    ...nodeVariables(node),
    standing: standingVariable(node, context.objectives),
  });
  const parent = context.parent === null ? null : withStanding(context.parent);
  const contextNodes = context.context.map(withStanding);
  const bestRecord = bestNode(context.context);
  const best = bestRecord === null ? null : nodeVariables(bestRecord);
  const cognition = context.cognition.map(cognitionVariables);
  return {
    task: context.task,
    step: context.step,
    parent,
    context: contextNodes,
    best,
    cognition,
    max_code_length: context.maxCodeLength,
    diff_mode: diffMode,
    project: projectVariables(context, project),
    objectives: objectivesVariable(context.objectives),
    // Names used by templates written for the Python reference.
    task_description: context.task,
    context_nodes: contextNodes,
    cognition_items: cognition,
    parent_code: context.parent?.program ?? '',
    best_score: bestRecord?.score ?? null,
    best_code: bestRecord?.program ?? '',
  };
}

/** Variables of `analyzer.jinja2`; `logs` is the already-trimmed text. */
export function analyzerVariables(context: AnalysisContext, logs: string, logsTrimmedChars: number): TemplateVariables {
  const { comparison, front } = objectiveComparison(
    context.results,
    context.success,
    context.parent,
    context.objectives,
  );
  return {
    task: context.task,
    step: context.step,
    name: context.name,
    motivation: context.motivation,
    program: context.program,
    success: context.success,
    score: context.score,
    results: printableJson(context.results, 2),
    results_json: JSON.stringify(context.results, null, 2),
    error: context.error,
    logs,
    logs_trimmed_chars: logsTrimmedChars,
    parent: context.parent === null ? null : nodeVariables(context.parent),
    best: context.bestSampled === null ? null : nodeVariables(context.bestSampled),
    objectives: objectivesVariable(context.objectives),
    objective_comparison: comparison,
    front_verdict: front,
    task_description: context.task,
    code: context.program,
    best_score: context.bestSampled?.score ?? null,
    best_code: context.bestSampled?.program ?? '',
  };
}

/** Variables of `judge.jinja2`. */
export function judgeVariables(context: JudgeContext): TemplateVariables {
  return {
    task: context.task,
    name: context.name ?? '',
    motivation: context.motivation ?? '',
    program: context.program,
    code: context.program,
    results: printableJson(context.results, 2),
    results_json: JSON.stringify(context.results, null, 2),
    task_description: context.task,
  };
}
