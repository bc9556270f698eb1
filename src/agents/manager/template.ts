import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AsiEvolveError } from '../../errors.js';
import { compileTemplate, type CompiledTemplate } from '../templates/environment.js';

/** The file an experiment may put in `prompts/` to replace the manager's prompt. */
export const MANAGER_TEMPLATE_FILE = 'manager.jinja2';

/** The variables `manager.jinja2` receives, with what each holds. */
export const MANAGER_TEMPLATE_VARIABLES: Readonly<Record<string, string>> = {
  task: 'the task description (input.md)',
  eval_criteria: 'eval_criteria.md of the experiment, or empty text',
  diff_mode: 'true when the Researcher answers with SEARCH/REPLACE edits',
  researcher_file: 'the file the researcher prompt is written to (researcher.jinja2 or researcher_diff.jinja2)',
  researcher_variables: 'the variables a researcher prompt may use, one "name: meaning" per line',
  analyzer_variables: 'the variables an analyzer prompt may use, one "name: meaning" per line',
  researcher_answer_format: 'the answer format the researcher prompt must ask for (text)',
  analyzer_answer_format: 'the answer format the analyzer prompt must ask for (text)',
  wanted: 'which prompts to write: a list of "researcher" and/or "analyzer"',
};

/** The manager's default prompt (Jinja2 syntax). */
export const DEFAULT_MANAGER_TEMPLATE = `{#-
  manager.jinja2: the manager's prompt (input.md → experiment-specific researcher and analyzer prompts).
  Variables: task, eval_criteria, diff_mode, researcher_file, researcher_variables, analyzer_variables,
  researcher_answer_format, analyzer_answer_format, wanted (list of "researcher", "analyzer").
  Expected answer: <researcher_prompt> and/or <analyzer_prompt>, each a complete Jinja2 template.
-#}
You are the manager of an automated research loop. Before the first round you write the prompts that the loop's agents will receive in every round, tailored to this task. The Researcher designs one new candidate program per round; an evaluator scores it (higher is better); the Analyzer reads the outcome and writes a short report that later rounds learn from.

## Task

{{ task }}
{% if eval_criteria %}
## How candidates are evaluated

{{ eval_criteria }}
{% endif %}
## What to write
{% if "researcher" in wanted %}
### The Researcher's prompt ({{ researcher_file }})

A Jinja2 template rendered each round with these variables:

{{ researcher_variables }}

It must include the task ({{ "{{ task }}" }}), the previous candidates with their scores, analyses and code (loop over {{ "{% for node in context %}" }}), the retrieved knowledge (loop over cognition){% if diff_mode %}, and the program to edit ({{ "{{ parent.program }}" }}){% endif %}. Add what is specific to this task: the constraints a candidate must respect, the traps, the ideas worth trying, how the score is computed. It must end by asking for exactly this answer format:

{{ researcher_answer_format }}
{% endif %}
{% if "analyzer" in wanted %}
### The Analyzer's prompt (analyzer.jinja2)

A Jinja2 template rendered after each evaluation with these variables:

{{ analyzer_variables }}

It must show the candidate ({{ "{{ program }}" }}), its outcome ({{ "{{ results_json }}" }}, {{ "{{ error }}" }}, {{ "{{ logs }}" }}) and the comparison nodes, and ask for a compact, decision-oriented report: did the idea work, why, what to try next, with the task's own metrics in mind. It must end by asking for exactly this answer format:

{{ analyzer_answer_format }}
{% endif %}
## Rules

- Write Jinja2 syntax only ({{ "{{ variable }}" }}, {{ "{% if %}" }}, {{ "{% for %}" }}, filters such as length); use only the variables listed.
- Write the templates as plain text inside the tags below, with no Markdown fence around them.

## Answer format
{% if "researcher" in wanted %}
<researcher_prompt>
the complete researcher template
</researcher_prompt>
{% endif %}{% if "analyzer" in wanted %}
<analyzer_prompt>
the complete analyzer template
</analyzer_prompt>
{% endif %}`;

/**
 * The manager's template: `prompts/manager.jinja2` of the experiment when present, else the
 * default. A template that does not compile is a CONFIG_INVALID error naming its file.
 * @example const template = loadManagerTemplate(experiment.dir);
 */
export function loadManagerTemplate(experimentDir: string): CompiledTemplate {
  const path = join(experimentDir, 'prompts', MANAGER_TEMPLATE_FILE);
  if (!existsSync(path)) return compileTemplate(DEFAULT_MANAGER_TEMPLATE, 'default:manager');
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AsiEvolveError('CONFIG_INVALID', `cannot read prompt template ${path}: ${(error as Error).message}`, { file: path, cause: error });
  }
  return compileTemplate(source, path);
}
