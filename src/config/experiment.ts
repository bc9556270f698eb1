import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AsiEvolveError } from '../errors.js';
import { formatFileSet } from '../domain/index.js';
import { readProjectSeed, type ProjectSeed } from './project.js';
import type { Config } from './schema.js';
import { readTextFile } from './text-file.js';

/** An experiment folder, checked: what the run reads from it. */
export interface Experiment {
  dir: string;
  /** input.md */
  task: string;
  /** initial_program, if present; with a project, the bundle of its editable files (domain/file-set.ts). */
  initialProgram: string | null;
  /** The project folder of a multi-file experiment (config `project`); null for a single-file one. */
  project: ProjectSeed | null;
  /**
   * The evaluator command, run in each step folder; with `evaluator.stages` the stages run
   * instead, and without a command or eval.sh this names their commands joined by `&&`.
   */
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

const cognitionDefaults = [
  'cognition.yaml',
  'cognition.yml',
  'cognition.json',
  'cognition.jsonl',
  'cognition.md',
  'cognition',
];

function quote(path: string): string {
  return `'${path.replaceAll("'", `'\\''`)}'`;
}

/** The most the task description may hold: more could not fit any model's context window. */
export const MAX_TASK_BYTES = 1024 * 1024;
/** The most the initial program may hold. */
export const MAX_INITIAL_PROGRAM_BYTES = 10 * 1024 * 1024;

/**
 * Reads one of the experiment's text files; a folder, a device or FIFO, a file over `maxBytes`
 * or bytes that are not UTF-8 in its place are named, not a crash or a hang.
 */
function readExperimentFile(path: string, what: string, maxBytes: number): string {
  const read = readTextFile(path, maxBytes);
  if (read.ok) return read.text;
  throw new AsiEvolveError(
    'EXPERIMENT_MISSING_FILE',
    `${path} ${read.problem}: expected the ${what} as a UTF-8 text file`,
    { file: path },
  );
}

/**
 * Checks an experiment folder against docs/architecture.md, “The experiment folder and the evaluation contract” and resolves what the run needs.
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
    throw new AsiEvolveError(
      'EXPERIMENT_MISSING_FILE',
      `missing ${inputPath}: every experiment needs a task description`,
      {
        file: inputPath,
        hint: 'Write the task in input.md (see `asi-evolve init` for an example).',
      },
    );
  }
  const initialPath = join(absolute, 'initial_program');
  const evalScript = join(absolute, 'eval.sh');
  let evaluatorCommand = config.evaluator.command;
  const { stages } = config.evaluator;
  if (evaluatorCommand === undefined && stages.length > 0 && !existsSync(evalScript)) {
    // The stages replace the command (they are what runs); it only names them, in order.
    evaluatorCommand = stages.map((stage) => stage.command).join(' && ');
  }
  if (evaluatorCommand === undefined) {
    if (!existsSync(evalScript)) {
      throw new AsiEvolveError(
        'EXPERIMENT_MISSING_FILE',
        `no evaluator: ${evalScript} does not exist and evaluator.command is not set`,
        {
          file: evalScript,
          key: 'evaluator.command',
          hint: 'Add eval.sh to the experiment, set evaluator.command in config.yaml, or pass --eval-script FILE.',
        },
      );
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
  const project = config.project === null ? null : readProjectSeed(absolute, config.project);
  if (project !== null && existsSync(initialPath)) {
    throw new AsiEvolveError(
      'CONFIG_INVALID',
      `${initialPath} and project are both set: a multi-file experiment's seed is the project's editable files`,
      { key: 'project', file: initialPath, hint: 'Remove initial_program, or remove the project section.' },
    );
  }
  let initialProgram: string | null = null;
  if (project !== null) {
    initialProgram = formatFileSet(project.files);
    // Every proposal is held to this length: a seed over it would have each one sent back.
    const limit = config.pipeline.researcher.max_code_length;
    if (initialProgram.length > limit)
      throw new AsiEvolveError(
        'CONFIG_INVALID',
        `the editable files of ${project.dir} hold ${initialProgram.length} characters together, over pipeline.researcher.max_code_length (${limit})`,
        {
          key: 'pipeline.researcher.max_code_length',
          hint: 'Raise pipeline.researcher.max_code_length, or narrow project.editable.',
        },
      );
  } else if (existsSync(initialPath))
    initialProgram = readExperimentFile(initialPath, 'initial program', MAX_INITIAL_PROGRAM_BYTES);
  return {
    dir: absolute,
    task: readExperimentFile(inputPath, 'task description', MAX_TASK_BYTES),
    initialProgram,
    project,
    evaluatorCommand,
    cognitionFiles,
    databasePath: join(absolute, 'asi-evolve.db'),
    stepsDir: join(absolute, 'steps'),
    bestDir: join(absolute, 'best'),
  };
}
