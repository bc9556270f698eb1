import { execFile } from 'node:child_process';
import { chmodSync, cpSync, lstatSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseFileSet } from '../domain/index.js';
import { AsiEvolveError } from '../errors.js';
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

/** The candidate's files when the job is a multi-file one (a bundle and a project folder), else null. */
export function workspaceFiles(job: EvaluationJob): Map<string, string> | null {
  if (job.projectDir === undefined) return null;
  return parseFileSet(job.program);
}

/**
 * Removes a folder tree even where the evaluator took away write permission inside it; best
 * effort, a leftover is not worth failing an outcome for.
 */
export function removeTree(path: string): void {
  try {
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
    if (!stats.isDirectory())
      throw new AsiEvolveError(
        'EXECUTOR_UNAVAILABLE',
        `cannot write the candidate's ${path}: ${at} in the project is ${stats.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}`,
        { file: at },
      );
  }
  const target = join(root, path);
  rmSync(target, { force: true, recursive: true });
  writeFileSync(target, content, { flag: 'wx' });
}

/**
 * Builds the workspace of a multi-file evaluation in `stepDir`: a copy of the project
 * (`cp -a --reflink=auto`, copy-on-write where the filesystem has it; `.git` left out) with the
 * candidate's files written over it. The copy is real files, never links into the seed, so
 * nothing the evaluation does reaches the project folder.
 * @throws AsiEvolveError EXECUTOR_UNAVAILABLE when the project cannot be copied
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
    mkdirSync(workspace, { recursive: true });
    const entries = readdirSync(projectDir)
      .filter((name) => !leftOut.has(name))
      .map((name) => join(projectDir, name));
    if (entries.length > 0) {
      try {
        await execFileAsync('cp', ['-a', '--reflink=auto', '--', ...entries, `${workspace}/`]);
      } catch {
        // A cp without --reflink (not GNU): Node's copy keeps links as links, copies the rest.
        for (const entry of entries)
          cpSync(entry, join(workspace, entry.slice(projectDir.length + 1)), {
            recursive: true,
            verbatimSymlinks: true,
            force: true,
          });
      }
    }
    for (const [path, content] of files) writeUnder(workspace, path, content);
  } catch (error) {
    removeTree(workspace);
    if (AsiEvolveError.isInstance(error)) throw error;
    throw new AsiEvolveError(
      'EXECUTOR_UNAVAILABLE',
      `could not build the workspace from the project ${projectDir}: ${(error as Error).message}`,
      { cause: error, file: projectDir },
    );
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
