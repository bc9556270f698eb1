import { execFile } from 'node:child_process';
import { chmodSync, cpSync, lstatSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FileSetError, parseFileSet } from '../domain/index.js';
import { AsiEvolveError, DISK_FULL_HINT, fileSystemError } from '../errors.js';
import type { EvaluationJob } from './outcome.js';

const execFileAsync = promisify(execFile);

/**
 * Where a multi-file evaluation's project copy lives in the step folder while it runs
 * (docs/architecture.md, “Multi-file candidates”); removed after the evaluation.
 */
export const workspaceFolderName = 'workspace';
/** Where the candidate's own files are kept in the step folder, for inspection, after the workspace is gone. */
export const candidateFilesFolderName = 'files';
/** The variable that names the workspace to the evaluator. */
export const workspaceVariable = 'ASI_EVOLVE_WORKSPACE';

/** Entries of a project that a workspace leaves out: version control history is no evaluator's business. */
const leftOut = new Set(['.git']);

/**
 * Why the candidate's files cannot be laid over the project (a path through a link of the
 * project, a file where the project has a folder, a bundle that does not parse): the
 * candidate's fault, so the evaluation fails with this message and the run goes on.
 */
export class CandidateFilesRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CandidateFilesRefused';
  }
}

/**
 * The candidate's files when the job is a multi-file one (a bundle and a project folder), else null.
 * @throws CandidateFilesRefused when the bundle names an unsafe path, a path twice, or a file that is also a folder
 */
export function workspaceFiles(job: EvaluationJob): Map<string, string> | null {
  if (job.projectDir === undefined) return null;
  try {
    return parseFileSet(job.program);
  } catch (error) {
    if (error instanceof FileSetError) throw new CandidateFilesRefused(`the candidate's files: ${error.message}`);
    throw error;
  }
}

/**
 * Removes a folder tree even where the evaluator took away write permission inside it; best
 * effort, a leftover is not worth failing an outcome for.
 */
export function removeTree(path: string): void {
  try {
    // Usually there is nothing to remove; looking first is cheaper than rmSync's caught error.
    if (lstatSync(path, { throwIfNoEntry: false }) === undefined) return;
    rmSync(path, { recursive: true, force: true, maxRetries: 2 });
    return;
  } catch {
    // A folder without write permission: give it back, then try again.
  }
  const restore = (at: string): void => {
    let stats;
    try {
      stats = lstatSync(at);
    } catch {
      return;
    }
    if (!stats.isDirectory()) return;
    try {
      chmodSync(at, 0o700);
      for (const name of readdirSync(at)) restore(join(at, name));
    } catch {
      // Not ours to change; rmSync will say so below.
    }
  };
  restore(path);
  try {
    rmSync(path, { recursive: true, force: true, maxRetries: 2 });
  } catch {
    // Left behind; the next evaluation in this folder removes it first.
  }
}

/**
 * Writes `content` at `path` under `root`, refusing to go through a symbolic link: a link in
 * the project copy could otherwise carry the candidate's file (written outside the sandbox) to
 * the seed project or anywhere else.
 * @throws CandidateFilesRefused when a folder on the way is a link or a file
 */
function writeUnder(root: string, path: string, content: string): void {
  const segments = path.split('/');
  let at = root;
  for (const segment of segments.slice(0, -1)) {
    at = join(at, segment);
    let stats;
    try {
      stats = lstatSync(at);
    } catch {
      mkdirSync(at);
      continue;
    }
    // A folder copied read-only from the project is ours in the workspace: the file goes in all the same.
    if (stats.isDirectory() && (stats.mode & 0o300) !== 0o300) chmodSync(at, stats.mode | 0o700);
    if (!stats.isDirectory())
      throw new CandidateFilesRefused(
        `cannot write the candidate's ${path}: ${at.slice(root.length + 1)} in the project is ${stats.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}; a candidate's file must lie in a real folder of the project`,
      );
  }
  const target = join(root, path);
  let existing;
  try {
    existing = lstatSync(target);
  } catch {
    existing = null;
  }
  // A file in place of a project folder would silently drop every file under it from the workspace.
  if (existing?.isDirectory() === true)
    throw new CandidateFilesRefused(`cannot write the candidate's ${path}: it is a folder in the project`);
  rmSync(target, { force: true });
  writeFileSync(target, content, { flag: 'wx' });
}

/** The first line of what `cp` said, without Node's "Command failed: …" preamble. */
function copyProblem(error: unknown): string {
  const stderr = (error as { stderr?: unknown }).stderr;
  const said = typeof stderr === 'string' ? stderr.trim() : '';
  return said === '' ? (error as Error).message : (said.split('\n')[0] ?? said);
}

/**
 * Copies the project's entries (but `.git`) into `workspace`: `cp -a --reflink=auto`, or Node's
 * copy where `cp` is not GNU's. A project that cannot be copied fails every evaluation alike,
 * so it stops the run naming the file: a full disk as DISK_FULL, anything else (an unreadable
 * file, a device node, a project folder gone) as the project's problem.
 */
async function copyProject(projectDir: string, workspace: string): Promise<void> {
  const projectProblem = (problem: string, cause: unknown): AsiEvolveError =>
    /No space left|Disk quota|ENOSPC|EDQUOT/.test(problem)
      ? new AsiEvolveError(
          'DISK_FULL',
          `could not copy the project ${projectDir} into ${workspace}: the disk is full (${problem})`,
          {
            cause,
            file: workspace,
            hint: DISK_FULL_HINT,
          },
        )
      : new AsiEvolveError(
          'CONFIG_INVALID',
          `project.dir: could not copy the project ${projectDir} for an evaluation: ${problem}`,
          {
            cause,
            key: 'project.dir',
            file: projectDir,
            hint: 'every evaluation copies the project folder: each of its files must be readable (move special files and caches out, or under .git)',
          },
        );
  let entries: string[];
  try {
    entries = readdirSync(projectDir)
      .filter((name) => !leftOut.has(name))
      .map((name) => join(projectDir, name));
  } catch (error) {
    throw projectProblem((error as Error).message, error);
  }
  if (entries.length === 0) return;
  try {
    await execFileAsync('cp', ['-a', '--reflink=auto', '--', ...entries, `${workspace}/`]);
    return;
  } catch (error) {
    const problem = copyProblem(error);
    // Only a cp that does not know --reflink (not GNU's) falls back; a copy that failed stays failed.
    if (!/reflink|unrecognized option|illegal option|invalid option/i.test(problem))
      throw projectProblem(problem, error);
  }
  try {
    for (const entry of entries)
      cpSync(entry, join(workspace, entry.slice(projectDir.length + 1)), {
        recursive: true,
        verbatimSymlinks: true,
        force: true,
      });
  } catch (error) {
    throw projectProblem((error as Error).message, error);
  }
}

/**
 * Builds the workspace of a multi-file evaluation in `stepDir`: a copy of the project
 * (`cp -a --reflink=auto`, copy-on-write where the filesystem has it; `.git` left out) with the
 * candidate's files written over it. The copy is real files, never links into the seed, so
 * nothing the evaluation does reaches the project folder.
 * @throws CandidateFilesRefused when a candidate file cannot be written where it belongs
 * @throws AsiEvolveError DISK_FULL, or CONFIG_INVALID (`project.dir`) when the project cannot be copied
 */
export async function buildWorkspace(
  job: EvaluationJob,
  stepDir: string,
  files: ReadonlyMap<string, string>,
): Promise<string> {
  const projectDir = job.projectDir ?? '';
  const workspace = join(stepDir, workspaceFolderName);
  removeTree(workspace);
  try {
    try {
      mkdirSync(workspace, { recursive: true });
    } catch (error) {
      const known = fileSystemError(error, `could not create the workspace ${workspace}`, workspace);
      if (AsiEvolveError.isInstance(known)) throw known;
      throw new AsiEvolveError(
        'EXECUTOR_UNAVAILABLE',
        `could not create the workspace ${workspace}: ${(error as Error).message}`,
        { cause: error, file: workspace },
      );
    }
    await copyProject(projectDir, workspace);
    for (const [path, content] of files) {
      try {
        writeUnder(workspace, path, content);
      } catch (error) {
        if (error instanceof CandidateFilesRefused) throw error;
        const known = fileSystemError(error, `could not write the candidate's ${path} in ${workspace}`, workspace);
        if (AsiEvolveError.isInstance(known) && known.code === 'DISK_FULL') throw known;
        throw new CandidateFilesRefused(`cannot write the candidate's ${path}: ${(error as Error).message}`);
      }
    }
  } catch (error) {
    removeTree(workspace);
    throw error;
  }
  return workspace;
}

/** Writes the candidate's files under `files/` in the step folder, where they stay after the workspace is removed. */
export function keepCandidateFiles(stepDir: string, files: ReadonlyMap<string, string>): void {
  const kept = join(stepDir, candidateFilesFolderName);
  removeTree(kept);
  try {
    mkdirSync(kept, { recursive: true });
    for (const [path, content] of files) writeUnder(kept, path, content);
  } catch {
    // Inspection copies only; the outcome does not depend on them.
  }
}
