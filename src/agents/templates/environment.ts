import nunjucks from 'nunjucks';
import { AsiEvolveError } from '../../errors.js';
import { addJinjaFilters, addJinjaTests } from './filters.js';

let jinjaCompatInstalled = false;

/**
 * The one nunjucks environment for prompts: no HTML escaping (prompts are plain text), undefined
 * values render as empty text (as in Jinja2), Jinja2 filters and tests added. nunjucks' Jinja2 compatibility
 * layer (`True`/`False`/`None`, `dict.items()`, `list[1:3]` slices) patches the nunjucks module
 * itself, so it is installed once per process.
 */
function createEnvironment(): nunjucks.Environment {
  if (!jinjaCompatInstalled) {
    nunjucks.installJinjaCompat();
    jinjaCompatInstalled = true;
  }
  const environment = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
  addJinjaFilters(environment);
  addJinjaTests(environment);
  return environment;
}

let sharedEnvironment: nunjucks.Environment | undefined;

function environment(): nunjucks.Environment {
  sharedEnvironment ??= createEnvironment();
  return sharedEnvironment;
}

/** A compiled prompt template. */
export interface CompiledTemplate {
  /** Where it came from: a file path, or `default:<name>` for a built-in one. */
  readonly origin: string;
  readonly source: string;
  /** Renders the template; a failure is a CONFIG_INVALID error naming the file. */
  render(variables: Record<string, unknown>): string;
}

const locationPattern = /\[Line (\d+), Column (\d+)\]/;

/** Turns a nunjucks error into our typed error: the file, the line when nunjucks gives one, and its message. */
function templateError(origin: string, action: 'compile' | 'render', error: unknown): AsiEvolveError {
  const raw = error instanceof Error ? error.message : String(error);
  const location = locationPattern.exec(raw);
  const detail = raw
    .replace(/^\([^)]*\)(?: \[Line \d+, Column \d+\])?\s*/, '')
    .replace(/^Error: /, '')
    .trim();
  const where = location === null ? origin : `${origin} line ${location[1]}, column ${location[2]}`;
  const verb = action === 'compile' ? 'has a syntax error' : 'failed to render';
  return new AsiEvolveError('CONFIG_INVALID', `prompt template ${where} ${verb}: ${detail}`, {
    file: origin,
    cause: error,
    hint: 'templates use Jinja2 syntax, rendered with nunjucks; fix the template or delete it to use the default',
  });
}

/**
 * Compiles a template eagerly, so that a syntax error surfaces when the templates are loaded,
 * not in the middle of a run.
 * @example compileTemplate('Task: {{ task }}', 'prompts/researcher.jinja2').render({ task: 'pack circles' })
 */
export function compileTemplate(source: string, origin: string): CompiledTemplate {
  let template: nunjucks.Template;
  try {
    template = new nunjucks.Template(source, environment(), origin, true);
  } catch (error) {
    throw templateError(origin, 'compile', error);
  }
  return {
    origin,
    source,
    render(variables) {
      try {
        return template.render(variables);
      } catch (error) {
        throw templateError(origin, 'render', error);
      }
    },
  };
}
