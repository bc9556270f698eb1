/** The templates an experiment may override, by name, and the file each is read from. */
export const TEMPLATE_FILES = {
  researcher: 'researcher.jinja2',
  researcherDiff: 'researcher_diff.jinja2',
  analyzer: 'analyzer.jinja2',
  judge: 'judge.jinja2',
} as const;

export type TemplateName = keyof typeof TEMPLATE_FILES;

const node =
  'a node: {id, step, name, motivation, program (alias code), score, eval_score, success, error, analysis, results (object that prints as JSON), results_json, operator, provenance}';

const researcher = {
  task: 'the task description (input.md)',
  step: 'the round number',
  parent: `${node}; the node to build on (the one edited in diff mode), none on the first round of an empty run`,
  context: 'list of sampled nodes, parent first (each like parent)',
  best: 'the best-scored successful node among context, or none',
  cognition: 'list of retrieved knowledge items {id, title, content, source, tags}',
  max_code_length: 'the longest program accepted, in characters',
  diff_mode: 'true when SEARCH/REPLACE edits of parent.program are asked for',
  objectives:
    'several objectives: {list (each {name, direction, bound in words}), out_of_bounds, instances (the per-instance key or none), front_size, text (the objectives in one line)}; none with one score. Each node then has `standing`: {rank (0 = on the front; none when not ranked), on_front, feasible, values (list of {name, value}), wins_instances (instances it scores best on), summary (one line)}',
  project:
    "a multi-file round: {files (list of {path, content}: the files to edit, the parent's or the seed's), editable (the editable path patterns), outline (names and signatures of the read-only rest)}; none for a single-file experiment",
  task_description: 'alias of task (Python reference name)',
  context_nodes: 'alias of context (Python reference name)',
  cognition_items: 'alias of cognition (Python reference name)',
  parent_code: "the parent's program, or empty text",
  best_score: "best's score, or none",
  best_code: "best's program, or empty text",
} as const;

/**
 * Every variable each template receives, with what it holds: the contract for user templates
 * in `prompts/*.jinja2`. Unknown names render as empty text, as in Jinja2.
 */
export const TEMPLATE_VARIABLES: Readonly<Record<TemplateName, Readonly<Record<string, string>>>> = {
  researcher,
  researcherDiff: researcher,
  analyzer: {
    task: 'the task description (input.md)',
    step: 'the round number',
    name: "the candidate's name",
    motivation: "the candidate's motivation",
    program: 'the candidate program (alias code)',
    success: 'whether the evaluation succeeded',
    score: "the candidate's score, or none when it failed",
    results: 'every field of results.json, as an object that prints as indented JSON',
    results_json: 'the results as indented JSON text',
    error: 'why the evaluation failed (reason and short message), or none',
    logs: "the evaluator's output tails, trimmed to the log budget",
    logs_trimmed_chars: 'how many characters were trimmed from the middle of logs (0 when none)',
    parent: `${node}, or none`,
    best: 'the best sampled node (like parent), or none',
    objectives: "several objectives, as the Researcher's `objectives`; none with one score",
    objective_comparison:
      "per objective: {name, direction, value, parent_value, verdict (better, worse, equal, not comparable in the objective's direction), text}; empty with one score",
    front_verdict: 'one line: whether a node of the front dominates the candidate; empty with one score',
    task_description: 'alias of task',
    code: 'alias of program',
    best_score: "best's score, or none",
    best_code: "best's program, or empty text",
  },
  judge: {
    task: 'the task description (input.md)',
    name: "the candidate's name, or empty text",
    motivation: "the candidate's motivation, or empty text",
    program: 'the candidate program (alias code)',
    results: 'every field of results.json, as an object that prints as indented JSON',
    results_json: 'the results as indented JSON text',
    task_description: 'alias of task',
    code: 'alias of program',
  },
};
