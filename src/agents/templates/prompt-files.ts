import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AsiEvolveError } from '../../errors.js';

/**
 * The package's default prompts: `templates/prompts/*.jinja2` at the package root, the same files
 * a user copies into an experiment's `prompts/` to override one. This module sits at the same depth
 * under `src/` and `dist/`, so one relative path serves the sources and the build.
 */
export const DEFAULT_PROMPTS_DIR = fileURLToPath(new URL('../../../templates/prompts/', import.meta.url));

/** A template's text and where it came from (a file path, or `default:<file>`). */
export interface PromptSource {
  source: string;
  origin: string;
}

const defaults = new Map<string, string>();

/** The package's default text of a prompt file (e.g. `researcher.jinja2`), read once. */
export function defaultPromptSource(file: string): string {
  let source = defaults.get(file);
  if (source === undefined) {
    const path = DEFAULT_PROMPTS_DIR + file;
    try {
      source = readFileSync(path, 'utf8');
    } catch (error) {
      throw new Error(`the package's default prompt ${path} is missing: reinstall asi-evolve`, { cause: error });
    }
    defaults.set(file, source);
  }
  return source;
}

/**
 * The prompt an experiment uses: its `prompts/<file>` when present, else the package default.
 * An override that cannot be read is a CONFIG_INVALID error naming its file.
 * @example const { source, origin } = readPromptSource(experiment.dir, 'debug.jinja2');
 */
export function readPromptSource(experimentDir: string | undefined, file: string): PromptSource {
  const path = experimentDir === undefined ? undefined : `${experimentDir}/prompts/${file}`;
  if (path === undefined || !existsSync(path))
    return { source: defaultPromptSource(file), origin: `default:${file.replace(/\.jinja2$/, '')}` };
  try {
    return { source: readFileSync(path, 'utf8'), origin: path };
  } catch (error) {
    throw new AsiEvolveError('CONFIG_INVALID', `cannot read prompt template ${path}: ${(error as Error).message}`, {
      file: path,
      cause: error,
    });
  }
}
