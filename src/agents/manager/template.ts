import { compileTemplate, type CompiledTemplate } from '../templates/environment.js';
import { readPromptSource } from '../templates/prompt-files.js';

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

/**
 * The manager's template: `prompts/manager.jinja2` of the experiment when present, else the
 * default. A template that does not compile is a CONFIG_INVALID error naming its file.
 * @example const template = loadManagerTemplate(experiment.dir);
 */
export function loadManagerTemplate(experimentDir: string): CompiledTemplate {
  const { source, origin } = readPromptSource(experimentDir, MANAGER_TEMPLATE_FILE);
  return compileTemplate(source, origin);
}

/** The manager's default prompt, for a manager built without an experiment. */
export function defaultManagerTemplate(): CompiledTemplate {
  const { source, origin } = readPromptSource(undefined, MANAGER_TEMPLATE_FILE);
  return compileTemplate(source, origin);
}
