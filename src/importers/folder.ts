import { chmodSync, copyFileSync, cpSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { isRunOutput, writeConfigSchema } from '../config/index.js';
import { AsiEvolveError } from '../errors.js';

/**
 * Checks that `target` can become a new experiment folder: absent, or an empty folder (any
 * folder with `force`). Returns its absolute path.
 */
export function checkNewFolder(target: string, force: boolean): string {
  const absolute = resolve(target);
  if (existsSync(absolute) && !statSync(absolute).isDirectory()) {
    throw new AsiEvolveError('USAGE', `${absolute} exists and is not a folder; choose another path`, {
      file: absolute,
    });
  }
  if (existsSync(absolute) && readdirSync(absolute).length > 0 && !force) {
    throw new AsiEvolveError('USAGE', `${absolute} exists and is not empty; choose another folder or pass --force`, {
      file: absolute,
    });
  }
  return absolute;
}

/** What the source tools' runs and environments leave in a folder, beside asi-evolve's own run outputs. */
const sourceRunOutputs = new Set([
  'node_modules',
  '.git',
  'openevolve_output',
  'results',
  'database_data',
  'cognition_data',
  '.ipynb_checkpoints',
]);

function isNotCopied(name: string): boolean {
  return isRunOutput(name) || sourceRunOutputs.has(name);
}

/**
 * Copies the source folder into the target, leaving out run outputs and the names in `skip`
 * (paths relative to the source). Returns the run outputs left out (relative paths).
 */
export function copyFolder(source: string, target: string, skip: ReadonlySet<string> = new Set()): string[] {
  const leftOut: string[] = [];
  try {
    cpSync(source, target, {
      recursive: true,
      filter: (path) => {
        const inside = relative(source, path);
        if (inside === '') return true;
        if (skip.has(inside)) return false;
        if (!isNotCopied(basename(path))) return true;
        leftOut.push(inside);
        return false;
      },
    });
    return leftOut;
  } catch (error) {
    throw new AsiEvolveError(
      'USAGE',
      `cannot copy ${source} to ${target}: ${error instanceof Error ? error.message : String(error)}`,
      {
        file: target,
        cause: error,
        hint: 'choose a path in a folder you can write',
      },
    );
  }
}

/** The evaluator adaptor shipped with the package (adaptors/ at the package root). */
export function adaptorSource(): string {
  return fileURLToPath(new URL('../../adaptors/asi_evolve_adaptor.py', import.meta.url));
}

/** The adaptor's name inside an imported folder. */
export const adaptorFile = 'asi_evolve_adaptor.py';

/** Copies the adaptor into the folder, so that the folder runs without this package's path. */
export function installAdaptor(target: string): void {
  const path = join(target, adaptorFile);
  copyFileSync(adaptorSource(), path);
  chmodSync(path, 0o755);
}

/** Writes an executable script. */
export function writeScript(path: string, text: string): void {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

/** Writes config.yaml with a comment header. */
export function writeConfig(target: string, header: string, config: Record<string, unknown>): void {
  const comment = header
    .trim()
    .split('\n')
    .map((line) => `# ${line}`.trimEnd())
    .join('\n');
  writeFileSync(join(target, 'config.yaml'), `${comment}\n\n${stringify(config, { lineWidth: 0 })}`);
  writeConfigSchema(target);
}

/** A shell word for a path, safe in single quotes. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
