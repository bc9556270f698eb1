import {
  closeSync,
  constants,
  fstatSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { AsiEvolveError, fileSystemError } from '../errors.js';
import type { EvaluationJob } from './outcome.js';
import type { TailBuffer } from './tail-buffer.js';

/** Names the sandbox reads or writes in a step folder. */
export const stepFileNames = {
  code: 'code',
  results: 'results.json',
  stdoutLog: 'stdout.log',
  stderrLog: 'stderr.log',
  evaluatorLog: 'evaluator.log',
  temporary: 'tmp',
} as const;

export interface StepFiles {
  stepDir: string;
  codePath: string;
  programPath: string;
  resultsPath: string;
}

/**
 * Replaces a file: an earlier candidate in the same step folder may have left a symbolic link
 * there, which a plain write would follow out of the folder.
 */
function replaceFile(path: string, content: string | Buffer): void {
  removeIfPresent(path);
  writeFileSync(path, content, { flag: 'wx' });
}

/**
 * Removes what is at `path` (a file, a link, a folder tree), if anything. It looks first because
 * the usual case is nothing there: Node's rmSync then makes and catches an error, about five
 * times the cost of the look, and a round removes some seven paths that are not there.
 */
function removeIfPresent(path: string): void {
  if (lstatSync(path, { throwIfNoEntry: false }) !== undefined) rmSync(path, { recursive: true, force: true });
}

/**
 * The paths of a job's step files; throws when the step folder is not absolute or the program
 * file would lie outside it. Touches nothing.
 */
export function stepFilesOf(job: Pick<EvaluationJob, 'stepDir' | 'programFile'>): StepFiles {
  if (!isAbsolute(job.stepDir)) {
    throw new AsiEvolveError(
      'USAGE',
      `Expected the job's stepDir to be an absolute path, got ${JSON.stringify(job.stepDir)}`,
    );
  }
  const stepDir = resolve(job.stepDir);
  const programPath = resolve(stepDir, job.programFile);
  const inside = relative(stepDir, programPath);
  if (job.programFile.length === 0 || inside.length === 0 || inside.startsWith('..') || isAbsolute(inside)) {
    throw new AsiEvolveError(
      'CONFIG_INVALID',
      `Expected the program file name to stay inside the step folder, got ${JSON.stringify(job.programFile)}`,
      { key: 'evaluator.program_file' },
    );
  }
  return {
    stepDir,
    codePath: join(stepDir, stepFileNames.code),
    programPath,
    resultsPath: join(stepDir, stepFileNames.results),
  };
}

/**
 * Creates the step folder, writes the candidate to `code` and to `job.programFile`, and removes
 * a stale `results.json` and `evaluator.log` from an earlier attempt.
 */
export function prepareStepFolder(job: EvaluationJob): StepFiles {
  const { stepDir, codePath, programPath, resultsPath } = stepFilesOf(job);
  try {
    mkdirSync(stepDir, { recursive: true });
    removeIfPresent(resultsPath);
    removeIfPresent(join(stepDir, stepFileNames.evaluatorLog));
    replaceFile(codePath, job.program);
    if (programPath !== codePath) {
      const programDir = dirname(programPath);
      if (programDir !== stepDir) mkdirSync(programDir, { recursive: true });
      replaceFile(programPath, job.program);
    }
  } catch (error) {
    // A full disk stops the run (it would fail every round); other causes fail this evaluation.
    const known = fileSystemError(error, `Could not prepare the step folder ${stepDir}`, stepDir);
    if (AsiEvolveError.isInstance(known) && known.code === 'DISK_FULL') throw known;
    throw new AsiEvolveError(
      'EXECUTOR_UNAVAILABLE',
      `Could not prepare the step folder ${stepDir}: ${(error as Error).message}`,
      {
        cause: error,
        file: stepDir,
      },
    );
  }
  return { stepDir, codePath, programPath, resultsPath };
}

/**
 * Gives the step folder and everything in it to `user` (the unprivileged user a root run drops
 * to), without following links, so that the evaluator can write there and nowhere else.
 */
export function handOverStepFolder(stepDir: string, user: { uid: number; gid: number }): void {
  const visit = (path: string): void => {
    lchownSync(path, user.uid, user.gid);
    if (!lstatSync(path).isDirectory()) return;
    for (const name of readdirSync(path)) visit(join(path, name));
  };
  try {
    visit(stepDir);
  } catch (error) {
    throw new AsiEvolveError(
      'EXECUTOR_UNAVAILABLE',
      `Could not hand the step folder ${stepDir} to uid ${user.uid}: ${(error as Error).message}`,
      {
        cause: error,
        file: stepDir,
      },
    );
  }
}

/** Writes a captured stream's tail to a log file, saying how much was dropped; best effort. */
export function writeLogTail(path: string, tail: TailBuffer): void {
  const kept = tail.bytes();
  const note = tail.truncated
    ? `[asi-evolve: ${tail.totalBytes - kept.length} earlier bytes were dropped; the last ${kept.length} are kept]\n`
    : '';
  try {
    replaceFile(path, Buffer.concat([Buffer.from(note), kept]));
  } catch {
    // A full disk (possibly filled by the candidate) must not turn an outcome into a crash.
  }
}

/**
 * The last `maxBytes` of a file as UTF-8, or undefined when it cannot be read. A symbolic link
 * is not followed: a candidate could point it at a secret outside its folder.
 */
export function readFileTail(path: string, maxBytes: number): string | undefined {
  let descriptor: number;
  try {
    // Usually absent (an evaluator.log): looking first spares openSync's error.
    if (lstatSync(path, { throwIfNoEntry: false }) === undefined) return undefined;
    descriptor = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const stats = fstatSync(descriptor);
    if (!stats.isFile()) return undefined;
    const size = stats.size;
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    const read = readSync(descriptor, buffer, 0, length, size - length);
    let start = 0;
    while (length < size && start < Math.min(3, read) && ((buffer[start] ?? 0) & 0xc0) === 0x80) start += 1;
    return buffer.subarray(start, read).toString('utf8');
  } catch {
    return undefined;
  } finally {
    closeSync(descriptor);
  }
}
