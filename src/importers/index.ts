import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { AsiEvolveError } from '../errors.js';
import { checkNewFolder } from './folder.js';
import { importOpenEvolve, pythonFunctions } from './openevolve.js';
import { importReference } from './reference.js';
import { ReportBuilder, formatNames, writeImportNotes, type ImportReport, type SourceFormat } from './report.js';
import { importShinka } from './shinka.js';

export { checkNewFolder } from './folder.js';
export { findPythonLists, findPythonStringAssignments, toJson, type PythonNode } from './python-literal.js';
export { importInitCognitionScript, readInitCognition } from './reference.js';
export { formatNames, importNotesFile, type ImportNote, type ImportReport, type SourceFormat } from './report.js';

export const sourceFormats: readonly SourceFormat[] = ['asi-evolve', 'openevolve', 'shinkaevolve'];

function definesFunction(path: string, name: string): boolean {
  return existsSync(path) && pythonFunctions(readFileSync(path, 'utf8')).has(name);
}

/** Which tool's layout the folder has, from its files alone. */
export function detectFormat(source: string): SourceFormat {
  const has = (name: string): boolean => existsSync(join(source, name));
  if (has('input.md') && (has('eval.sh') || has('init_cognition.py') || has('database_data') || has('config.yaml')))
    return 'asi-evolve';
  const evaluator = join(source, 'evaluator.py');
  if (definesFunction(evaluator, 'evaluate') || definesFunction(evaluator, 'evaluate_stage1')) return 'openevolve';
  if (definesFunction(join(source, 'evaluate.py'), 'main')) return 'shinkaevolve';
  throw new AsiEvolveError('USAGE', `${source} is not a folder asi-evolve can import: no known layout found`, {
    file: source,
    hint:
      'Expected an ASI-Evolve experiment (input.md with eval.sh, init_cognition.py or config.yaml), an OpenEvolve example ' +
      '(evaluator.py with evaluate(program_path), initial_program.py) or a ShinkaEvolve task (evaluate.py with main(program_path, results_dir)); ' +
      'name the format with --format if the folder has it under other names.',
  });
}

export interface ImportOptions {
  /** Skip detection. */
  format?: SourceFormat;
  /** The source's config file to translate, relative to the source (OpenEvolve, ShinkaEvolve). */
  configFile?: string;
  /** Write into a non-empty target folder. */
  force?: boolean;
}

/**
 * Turns a folder of another tool into an asi-evolve experiment folder at `target`: the files
 * the run reads (input.md, initial_program, eval.sh, config.yaml, cognition.yaml), the shipped
 * evaluator adaptor where the task's evaluator has another contract, and for a reference
 * experiment its stored run (asi-evolve.db). What cannot be translated is listed in the report
 * and in IMPORT.md. On an error the half-made target is removed (unless it existed before).
 *
 * @example
 * const report = importExperiment('openevolve/examples/function_minimization', 'experiments/fmin');
 * for (const note of report.untranslated) console.log(note.what, note.why);
 */
export function importExperiment(sourceDir: string, targetDir: string, options: ImportOptions = {}): ImportReport {
  const source = resolve(sourceDir);
  if (!existsSync(source) || !statSync(source).isDirectory()) {
    throw new AsiEvolveError('USAGE', `source folder not found: ${source}`, { file: source });
  }
  const target = checkNewFolder(targetDir, options.force === true);
  const inside = relative(source, target);
  if (inside === '' || (!inside.startsWith('..') && !inside.startsWith('/'))) {
    throw new AsiEvolveError('USAGE', `the new folder ${target} must not be inside the source folder ${source}`, {
      file: target,
    });
  }
  const format = options.format ?? detectFormat(source);
  const existed = existsSync(target);
  const report = new ReportBuilder(format, source, target);
  try {
    mkdirSync(target, { recursive: true });
    if (format === 'openevolve') importOpenEvolve(source, target, { configFile: options.configFile }, report);
    else if (format === 'shinkaevolve') importShinka(source, target, { configFile: options.configFile }, report);
    else importReference(source, target, report);
  } catch (error) {
    if (!existed) rmSync(target, { recursive: true, force: true });
    throw error;
  }
  const built = report.build();
  writeImportNotes(built);
  return built;
}

/** One line naming the format, for messages. */
export function describeFormat(format: SourceFormat): string {
  return formatNames[format];
}
