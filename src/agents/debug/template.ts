import { compileTemplate, type CompiledTemplate } from '../templates/environment.js';
import { readPromptSource } from '../templates/prompt-files.js';

/** The file an experiment may put in `prompts/` to replace the debug agent's prompt. */
export const DEBUG_TEMPLATE_FILE = 'debug.jinja2';

/** The variables `debug.jinja2` receives, with what each holds. */
export const DEBUG_TEMPLATE_VARIABLES: Readonly<Record<string, string>> = {
  task: 'the task description (input.md)',
  program: 'the program that failed (alias code)',
  error: 'why the evaluation failed: reason and one-line message',
  error_tail: "the tail of the evaluator's error output (stderr, else stdout, and evaluator.log)",
  attempt: 'this repair attempt, from 1',
  max_attempts: 'the number of attempts allowed',
  previous: 'earlier attempts of this round: list of {attempt, error}',
  files:
    'a multi-file candidate: list of {path, content}, its editable files (the fix is then edits that name their file); none for a single-file one',
};

/** Sample variables, rendered once at load so that a broken template fails at start. */
const sampleVariables = {
  task: 'sample task',
  program: 'x = 1\n',
  code: 'x = 1\n',
  error: 'exit-code: exited with code 1',
  error_tail: 'Traceback: NameError',
  attempt: 1,
  max_attempts: 2,
  previous: [{ attempt: 1, error: 'exit-code: exited with code 1' }],
  files: null,
};

/**
 * The debug prompt of an experiment: `prompts/debug.jinja2` when present, else the default.
 * A template that does not compile or render is a CONFIG_INVALID error naming its file.
 * @example const template = loadDebugTemplate('/path/to/experiment');
 */
export function loadDebugTemplate(experimentDir: string): CompiledTemplate {
  const { source, origin } = readPromptSource(experimentDir, DEBUG_TEMPLATE_FILE);
  const template = compileTemplate(source, origin);
  template.render(sampleVariables);
  return template;
}
