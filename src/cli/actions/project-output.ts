import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadConfig } from '../../config/index.js';
import {
  fileSetChanges,
  gitPatch,
  isFileSetProgram,
  parseFileSet,
  unsafeRelativePath,
  type FileSet,
} from '../../domain/index.js';
import { AsiEvolveError } from '../../errors.js';
import type { NodeRecord, Store } from '../../store/index.js';
import { formatScore } from '../format.js';

/**
 * The outputs of a candidate as a project (docs/architecture.md, "Multi-file candidates"): the best
 * candidate as a patch against the seed, as a folder, and its lineage as a git repository. A
 * multi-file candidate's files are its bundle's; everything else comes from the experiment's
 * project folder. A single-file experiment is the project of one file, `initial_program`.
 */

/** The name a single-file experiment's program has in a patch or an exported folder: the seed's file. */
export const singleProgramFile = 'initial_program';

/** A node's files: its bundle's, or its program as `initial_program`. */
export function nodeFiles(program: string): { files: FileSet; multiFile: boolean } {
  const files = parseFileSet(program);
  return files === null
    ? { files: new Map([[singleProgramFile, program]]), multiFile: false }
    : { files, multiFile: true };
}

/** The seed node (the first of step 0), program and all. */
export function requireSeed(store: Store, dir: string): NodeRecord {
  const seed = store.seedSummary();
  if (seed === undefined) {
    throw new AsiEvolveError('NODE_NOT_FOUND', `no seed node is stored in ${dir}`, {
      file: store.path,
      hint: `run the experiment first (\`asi-evolve run ${dir}\`)`,
    });
  }
  return store.requireNode(seed.id);
}

/** The best node, or null when none succeeded yet. */
export function bestRecord(store: Store): NodeRecord | null {
  return store.bestNode() ?? null;
}

/**
 * The experiment's project folder for a multi-file `program`: `--project` when given, else the
 * config's `project.dir` (relative to the experiment folder). Undefined for a single-file program
 * (the config is then not read) or an experiment without a project.
 */
export function projectDirFor(dir: string, given: string | undefined, program: string): string | undefined {
  if (given !== undefined) return resolve(given);
  if (!isFileSetProgram(program)) return undefined;
  const { config } = loadConfig({ experimentDir: dir, callsNoModel: true });
  return config.project === null ? undefined : resolve(dir, config.project.dir);
}

function projectUnknown(dir: string, what: string): AsiEvolveError {
  return new AsiEvolveError('USAGE', `${what} needs the experiment's project folder, and none is known for ${dir}`, {
    key: 'project.dir',
    hint: "set project.dir in the experiment's config.yaml, or pass --project DIR",
  });
}

/** Folders never copied from a project, at any depth: version control, caches, dependencies (as a workspace). */
const skippedNames = new Set(['.git', 'node_modules', '__pycache__', '.venv', '.mypy_cache', '.pytest_cache']);

function lstatIfAny(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function outputError(root: string, path: string, reason: string): AsiEvolveError {
  return new AsiEvolveError('USAGE', `cannot write ${path} under ${root}: ${reason}`, {
    file: join(root, path),
    hint: 'files are only written inside the output folder, never through a symbolic link',
  });
}

/**
 * Where `path` goes under `root`: refused when the path is not a plain relative path or when a
 * folder on the way is a symbolic link (a write must never land outside `root`). Missing folders
 * are created when `create`, else the answer is undefined. A link or file at the place of the file
 * itself is removed, so that what is written replaces it rather than writing through it.
 */
function placeUnder(root: string, path: string, create = true): string | undefined {
  const problem = unsafeRelativePath(path);
  if (problem !== null) throw outputError(root, path, problem);
  const segments = path.split('/');
  let current = root;
  for (const segment of segments.slice(0, -1)) {
    current = join(current, segment);
    const stat = lstatIfAny(current);
    if (stat === undefined) {
      if (!create) return undefined;
      mkdirSync(current);
    } else if (stat.isSymbolicLink()) throw outputError(root, path, `${current} is a symbolic link`);
    else if (!stat.isDirectory()) throw outputError(root, path, `${current} is a file, not a folder`);
  }
  const target = join(current, segments[segments.length - 1] as string);
  const stat = lstatIfAny(target);
  if (stat?.isDirectory()) throw outputError(root, path, 'a folder is in its place');
  if (stat !== undefined) unlinkSync(target);
  return target;
}

/** `placeUnder` for a file about to be written: the folders on the way are created. */
function fileUnder(root: string, path: string): string {
  return placeUnder(root, path) as string;
}

/** Copies a project folder (less `.git`) into `target`; links are copied as links, never followed. */
function copyProject(projectDir: string, target: string, prefix = ''): number {
  let copied = 0;
  const from = prefix === '' ? projectDir : join(projectDir, prefix);
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.isDirectory() && skippedNames.has(entry.name)) continue;
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    const source = join(projectDir, path);
    if (entry.isDirectory()) {
      const place = join(target, path);
      const stat = lstatIfAny(place);
      if (stat === undefined) mkdirSync(place, { recursive: true });
      else if (!stat.isDirectory() || stat.isSymbolicLink())
        throw outputError(target, path, 'something other than a folder is in its place');
      copied += copyProject(projectDir, target, path);
    } else if (entry.isSymbolicLink()) {
      symlinkSync(readlinkSync(source), fileUnder(target, path));
      copied++;
    } else if (entry.isFile()) {
      copyFileSync(source, fileUnder(target, path));
      copied++;
    }
  }
  return copied;
}

/** Writes `files` over `root` and removes the files of `previous` that `files` no longer holds. */
function applyFiles(root: string, files: FileSet, previous: FileSet): void {
  for (const [path, content] of files) {
    // A bundle ends every file with a newline: a project file that lacks only that is unchanged.
    const stat = lstatIfAny(join(root, path));
    const existing = stat?.isFile() === true ? readFileSync(join(root, path), 'utf8') : null;
    if (existing !== null && `${existing}\n` === content) continue;
    // A new file in place of the old one (never writing through a link), with the old one's mode.
    writeFileSync(fileUnder(root, path), content, stat?.isFile() === true ? { mode: stat.mode & 0o7777 } : {});
  }
  // placeUnder removes what is at a path; a deleted file's folders stay (git keeps no empty folder).
  for (const path of previous.keys()) if (!files.has(path)) placeUnder(root, path, false);
}

/** A project file's text, or undefined when the path is not a regular file there. */
function projectFile(projectDir: string, path: string): string | undefined {
  const stat = lstatIfAny(join(projectDir, path));
  return stat?.isFile() ? readFileSync(join(projectDir, path), 'utf8') : undefined;
}

/**
 * The best candidate as a git-style patch against the seed. With the project folder, each file's
 * "before" is the file in the project (so `git apply` there succeeds even where the bundle added a
 * final newline the file lacked); without it, the seed's bundle.
 */
export function bestPatch(seed: NodeRecord, best: NodeRecord, projectDir: string | undefined): string {
  const seedFiles = nodeFiles(seed.program);
  const bestFiles = nodeFiles(best.program);
  if (!seedFiles.multiFile || !bestFiles.multiFile || projectDir === undefined)
    return gitPatch(fileSetChanges(seedFiles.files, bestFiles.files));
  const before = new Map<string, string>();
  const after = new Map<string, string>();
  for (const path of new Set([...seedFiles.files.keys(), ...bestFiles.files.keys()])) {
    const onDisk = projectFile(projectDir, path);
    const wanted = bestFiles.files.get(path);
    if (onDisk !== undefined) before.set(path, onDisk);
    // A bundle ends every file with a newline; a file that differs only by that is unchanged.
    if (wanted !== undefined) after.set(path, onDisk !== undefined && wanted === `${onDisk}\n` ? onDisk : wanted);
  }
  return gitPatch(fileSetChanges(before, after));
}

function isEmptyFolder(dir: string): boolean {
  const stat = lstatIfAny(dir);
  if (stat === undefined) return true;
  if (!stat.isDirectory()) throw new AsiEvolveError('USAGE', `${dir} exists and is not a folder`, { file: dir });
  return readdirSync(dir).length === 0;
}

/**
 * `best --out DIR`: the seed project with the best candidate's files applied (a single-file
 * experiment: the program as `initial_program`). Returns how many files the candidate changed.
 */
export function writeBestFolder(
  seed: NodeRecord,
  best: NodeRecord,
  options: { dir: string; out: string; projectDir: string | undefined; force: boolean },
): number {
  const out = resolve(options.out);
  if (!options.force && !isEmptyFolder(out)) {
    throw new AsiEvolveError('USAGE', `${out} is not empty`, {
      file: out,
      hint: 'choose an empty or new folder, or pass --force to write over it',
    });
  }
  const seedFiles = nodeFiles(seed.program);
  const bestFiles = nodeFiles(best.program);
  if (bestFiles.multiFile && options.projectDir === undefined) throw projectUnknown(options.dir, 'best --out');
  mkdirSync(out, { recursive: true });
  if (bestFiles.multiFile && options.projectDir !== undefined) copyProject(resolve(options.projectDir), out);
  applyFiles(out, bestFiles.files, seedFiles.multiFile === bestFiles.multiFile ? seedFiles.files : new Map());
  return fileSetChanges(seedFiles.files, bestFiles.files).length;
}

/** Git with a fixed identity and none of the user's or the system's git configuration. */
function git(repo: string, args: readonly string[], options: { date?: string; input?: string } = {}): string {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: repo,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'asi-evolve',
    GIT_AUTHOR_EMAIL: 'asi-evolve@localhost',
    GIT_COMMITTER_NAME: 'asi-evolve',
    GIT_COMMITTER_EMAIL: 'asi-evolve@localhost',
    LC_ALL: 'C',
    ...(options.date === undefined || options.date === ''
      ? {}
      : { GIT_AUTHOR_DATE: options.date, GIT_COMMITTER_DATE: options.date }),
  };
  try {
    return execFileSync('git', ['-c', 'core.autocrlf=false', '-c', 'commit.gpgsign=false', ...args], {
      cwd: repo,
      env,
      encoding: 'utf8',
      input: options.input ?? '',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') {
      throw new AsiEvolveError('USAGE', 'export --git needs git, which is not installed (not found on PATH)', {
        hint: 'install git, or use `best --patch` / `best --out`',
      });
    }
    throw new AsiEvolveError(
      'USAGE',
      `git ${args[0] ?? ''} failed in ${repo}: ${(failure.stderr ?? failure.message).trim()}`,
      {
        file: repo,
        cause: error,
      },
    );
  }
}

function commitMessage(node: NodeRecord): string {
  const title = node.name.trim() === '' ? `node ${node.id}` : node.name.trim();
  const body = node.motivation.trim();
  const trailer = `asi-evolve node ${node.id}, step ${node.step}, score ${formatScore(node.score)}`;
  return `${title}\n\n${body === '' ? '' : `${body}\n\n`}${trailer}\n`;
}

/** What `export --git` made. */
export interface GitExport {
  repo: string;
  branch: string;
  /** The nodes committed after the seed commit, seed side first. */
  nodeIds: number[];
}

/** The branch `export --git` writes. */
export const exportBranch = 'best';

/**
 * `export --git DIR`: a new git repository whose first commit is the seed project (a single-file
 * experiment: the seed program as `initial_program`), then one commit per node of the best
 * node's lineage (first parents, seed side first), each with the node's name and motivation.
 */
export function exportGit(
  store: Store,
  options: { dir: string; repo: string; project: string | undefined },
): GitExport {
  const repo = resolve(options.repo);
  if (!isEmptyFolder(repo)) {
    throw new AsiEvolveError('USAGE', `${repo} is not empty`, {
      file: repo,
      hint: 'export --git makes a new repository: choose an empty or new folder',
    });
  }
  const best = bestRecord(store);
  if (best === null) throw new AsiEvolveError('NODE_NOT_FOUND', `no successful node in ${options.dir} yet`);
  const seed = requireSeed(store, options.dir);
  const seedFiles = nodeFiles(seed.program);
  const projectDir = projectDirFor(options.dir, options.project, seed.program);
  if (seedFiles.multiFile && projectDir === undefined) throw projectUnknown(options.dir, 'export --git');
  mkdirSync(repo, { recursive: true });
  git(repo, ['-c', `init.defaultBranch=${exportBranch}`, 'init', '-q']);
  git(repo, ['symbolic-ref', 'HEAD', `refs/heads/${exportBranch}`]);
  if (seedFiles.multiFile && projectDir !== undefined) copyProject(projectDir, repo);
  else applyFiles(repo, seedFiles.files, new Map());
  git(repo, ['add', '-A']);
  git(repo, ['commit', '-q', '--allow-empty', '-F', '-'], {
    date: seed.createdAt,
    input: `Seed project (asi-evolve node ${seed.id})\n\n${seed.name.trim()}\n`,
  });
  const chain = store
    .lineage(best.id)
    .reverse()
    .filter((node) => node.id !== seed.id);
  let previous = seedFiles;
  for (const node of chain) {
    const files = nodeFiles(node.program);
    applyFiles(repo, files.files, files.multiFile === previous.multiFile ? previous.files : new Map());
    git(repo, ['add', '-A']);
    git(repo, ['commit', '-q', '--allow-empty', '-F', '-'], { date: node.createdAt, input: commitMessage(node) });
    previous = files;
  }
  return { repo, branch: exportBranch, nodeIds: chain.map((node) => node.id) };
}

/** Writes `text` to `file`, its folder created; a path that cannot be written names itself. */
export function writeTextFile(file: string, text: string, option: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  } catch (error) {
    throw new AsiEvolveError(
      'USAGE',
      `cannot write ${option} ${file}: ${error instanceof Error ? error.message : String(error)}`,
      { file, cause: error, hint: 'choose a file in a folder you can write' },
    );
  }
}
