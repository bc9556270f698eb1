import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AsiEvolveError } from '../errors.js';
import type { Config } from './schema.js';

/** An experiment folder, checked: what the run reads from it. */
export interface Experiment {
  dir: string;
  /** input.md */
  task: string;
  /** initial_program, if present. */
  initialProgram: string | null;
  /** The evaluator command, run in each step folder. */
  evaluatorCommand: string;
  /** Cognition seed files found or configured (absolute paths). */
  cognitionFiles: string[];
  /** Where the database lives. */
  databasePath: string;
  stepsDir: string;
  bestDir: string;
}

const runOutputNames = new Set([
  'steps',
  'best',
  'asi-evolve.db',
  'asi-evolve.db-wal',
  'asi-evolve.db-shm',
  'asi-evolve.db.lock',
  'report.md',
  'score-curve.svg',
  '.slurm',
  '.cognition-index',
  '__pycache__',
]);

/**
 * True for an entry (a base name) that a run, a report or an executor writes into an experiment
 * folder: the database and its lock, step folders, the best snapshot, the report, caches. Copying
 * an experiment as a template leaves these out, so that the copy starts afresh instead of
 * resuming (or refusing) what was run in the original.
 */
export function isRunOutput(name: string): boolean {
  return runOutputNames.has(name);
}

const cognitionDefaults = ['cognition.yaml', 'cognition.yml', 'cognition.json', 'cognition.jsonl', 'cognition.md', 'cognition'];

function quote(path: string): string {
  return `'${path.replaceAll("'", `'\\''`)}'`;
}

/** Reads one of the experiment's text files; a folder (or an unreadable file) in its place is named, not a crash. */
function readExperimentFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'EISDIR' ? 'is a folder' : `cannot be read (${(error as Error).message})`;
    throw new AsiEvolveError('EXPERIMENT_MISSING_FILE', `${path} ${reason}: expected the ${what} as a text file`, {
      file: path,
      cause: error,
    });
  }
}

/**
 * Checks an experiment folder against SYSTEM.md §3 and resolves what the run needs.
 * Throws EXPERIMENT_MISSING_FILE naming the file and what to do.
 */
export function resolveExperiment(dir: string, config: Config): Experiment {
  const absolute = resolve(dir);
  if (!existsSync(absolute) || !statSync(absolute).isDirectory()) {
    throw new AsiEvolveError('EXPERIMENT_MISSING_FILE', `experiment folder not found: ${absolute}`, {
      file: absolute,
      hint: 'Create one with `asi-evolve init DIR`.',
    });
  }
  const inputPath = join(absolute, 'input.md');
  if (!existsSync(inputPath)) {
    throw new AsiEvolveError('EXPERIMENT_MISSING_FILE', `missing ${inputPath}: every experiment needs a task description`, {
      file: inputPath,
      hint: 'Write the task in input.md (see `asi-evolve init` for an example).',
    });
  }
  const initialPath = join(absolute, 'initial_program');
  const evalScript = join(absolute, 'eval.sh');
  let evaluatorCommand = config.evaluator.command;
  if (evaluatorCommand === undefined) {
    if (!existsSync(evalScript)) {
      throw new AsiEvolveError('EXPERIMENT_MISSING_FILE', `no evaluator: ${evalScript} does not exist and evaluator.command is not set`, {
        file: evalScript,
        key: 'evaluator.command',
        hint: 'Add eval.sh to the experiment, set evaluator.command in config.yaml, or pass --eval-script FILE.',
      });
    }
    evaluatorCommand = `bash ${quote(evalScript)} "$@"`;
  }
  const configured = config.cognition.seed_files;
  const cognitionFiles = (configured ?? cognitionDefaults)
    .map((name) => resolve(absolute, name))
    .filter((path) => configured !== undefined || existsSync(path));
  for (const path of cognitionFiles) {
    if (!existsSync(path)) {
      throw new AsiEvolveError('EXPERIMENT_MISSING_FILE', `cognition seed file not found: ${path}`, {
        file: path,
        key: 'cognition.seed_files',
      });
    }
  }
  return {
    dir: absolute,
    task: readExperimentFile(inputPath, 'task description'),
    initialProgram: existsSync(initialPath) ? readExperimentFile(initialPath, 'initial program') : null,
    evaluatorCommand,
    cognitionFiles,
    databasePath: join(absolute, 'asi-evolve.db'),
    stepsDir: join(absolute, 'steps'),
    bestDir: join(absolute, 'best'),
  };
}

/** Lists step folders present on disk (for diagnostics). */
export function listStepFolders(stepsDir: string): string[] {
  return existsSync(stepsDir) ? readdirSync(stepsDir).filter((name) => name.startsWith('step_')) : [];
}
