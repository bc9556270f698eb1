import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AsiEvolveError } from '../../errors.js';
import { compileTemplate, type CompiledTemplate } from '../templates/environment.js';

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
};

const fence = '```';

/** The debug agent's default prompt (Jinja2 syntax). */
export const DEFAULT_DEBUG_TEMPLATE = `{#-
  debug.jinja2: the debug agent's prompt (a failed evaluation → a fixed program).
  Variables: task, program (alias code), error, error_tail, attempt, max_attempts, previous (list of {attempt, error}).
  Expected answer: optional <explanation>, then the complete fixed program in <code>.
-#}
You are the debug agent of an automated research loop. A candidate program failed when the evaluator ran it. Fix the failure with the smallest change that makes the program run correctly; keep its idea, its function names, signatures and output format. This is repair attempt {{ attempt }} of {{ max_attempts }}.

## Task

{{ task }}

## The program

${fence}
{{ program | rstrip }}
${fence}

## What went wrong

{{ error }}

The end of the error output:

${fence}
{{ error_tail | rstrip }}
${fence}
{% if previous | length %}
## Earlier repair attempts in this round
{% for item in previous %}
- attempt {{ item.attempt }} still failed: {{ item.error }}
{%- endfor %}
{% endif %}
## Response format

<explanation>the root cause, and what you changed, in one or two sentences</explanation>
<code>
the complete fixed program: not a fragment, not a diff
</code>
`;

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
};

/**
 * The debug prompt of an experiment: `prompts/debug.jinja2` when present, else the default.
 * A template that does not compile or render is a CONFIG_INVALID error naming its file.
 * @example const template = loadDebugTemplate('/path/to/experiment');
 */
export function loadDebugTemplate(experimentDir: string): CompiledTemplate {
  const path = join(experimentDir, 'prompts', DEBUG_TEMPLATE_FILE);
  let source = DEFAULT_DEBUG_TEMPLATE;
  let origin = 'default:debug';
  if (existsSync(path)) {
    try {
      source = readFileSync(path, 'utf8');
      origin = path;
    } catch (error) {
      throw new AsiEvolveError('CONFIG_INVALID', `cannot read prompt template ${path}: ${(error as Error).message}`, { file: path, cause: error });
    }
  }
  const template = compileTemplate(source, origin);
  template.render(sampleVariables);
  return template;
}
