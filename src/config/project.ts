import { existsSync, lstatSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { globSync } from 'tinyglobby';
import { FileSetError, formatFileSet, unsafeRelativePath, type FileSet } from '../domain/index.js';
import { AsiEvolveError } from '../errors.js';
import type { Config } from './schema.js';
import { readTextFile } from './text-file.js';

/** A project folder as the seed of a multi-file experiment (docs/architecture.md, “Multi-file candidates”). */
export interface ProjectSeed {
  /** Absolute path of the project folder; never written to. */
  dir: string;
  /** The editable patterns as matched: folders written as `dir/` become `dir/**`. */
  editable: string[];
  /** Characters of read-only outline the Researcher is shown. */
  contextChars: number;
  /** The editable files of the seed, by project-relative path. */
  files: FileSet;
}

/** The most the editable files may hold together: the bundle is the seed program, bounded like `initial_program`. */
export const MAX_EDITABLE_BYTES = 10 * 1024 * 1024;
/** The most editable files a project may have. */
export const MAX_EDITABLE_FILES = 2000;
/** The largest read-only file read for the outline; larger ones are listed by name only. */
const MAX_CONTEXT_FILE_BYTES = 256 * 1024;
/** The most read-only bytes read for the outline in all. */
const MAX_CONTEXT_BYTES = 8 * 1024 * 1024;
/** Folders never part of a project's files (version control, caches, dependencies). */
const ignoredFolders = ['.git', 'node_modules', '__pycache__', '.venv', '.mypy_cache', '.pytest_cache'];
const ignoreGlobs = ignoredFolders.map((name) => `**/${name}/**`);

function projectError(message: string, file?: string): AsiEvolveError {
  return new AsiEvolveError('CONFIG_INVALID', message, {
    key: 'project',
    ...(file === undefined ? {} : { file }),
    hint: 'See docs/architecture.md, “Multi-file candidates”.',
  });
}

/**
 * The editable patterns as matched: a trailing `/`, or a name of an existing folder, means every
 * file under it. A pattern that leaves the project is refused.
 */
function normalisePatterns(projectDir: string, patterns: readonly string[]): string[] {
  return patterns.map((raw, index) => {
    const pattern = raw.trim().replace(/^\.\//, '');
    const key = `project.editable[${index}]`;
    const stem = pattern.replace(/\/+$/, '');
    const problem =
      stem === ''
        ? 'the path is empty'
        : stem.startsWith('/')
          ? 'the path is absolute; give it relative to project.dir'
          : stem.split('/').includes('..')
            ? 'the path leaves the project (..)'
            : null;
    if (problem !== null)
      throw new AsiEvolveError('CONFIG_INVALID', `${key}: ${JSON.stringify(raw)}: ${problem}`, { key });
    // The literal folders before the first glob character: none may be a link, which every
    // workspace refuses to write through (and which could lead out of the project).
    const literal = stem.split('/');
    const firstGlob = literal.findIndex((segment) => /[*?[\]{}()!+@]/.test(segment));
    for (let end = 1; end <= (firstGlob === -1 ? literal.length : firstGlob); end++) {
      const prefix = literal.slice(0, end).join('/');
      let linked = false;
      try {
        linked = lstatSync(join(projectDir, prefix)).isSymbolicLink();
      } catch {
        break;
      }
      if (linked)
        throw new AsiEvolveError(
          'CONFIG_INVALID',
          `${key}: ${JSON.stringify(raw)}: ${join(projectDir, prefix)} is a symbolic link; editable paths must lie in real folders of the project`,
          { key, file: join(projectDir, prefix) },
        );
    }
    const folder =
      pattern.endsWith('/') || (existsSync(join(projectDir, stem)) && statSync(join(projectDir, stem)).isDirectory());
    return folder ? `${stem}/**` : stem;
  });
}

/** A test of whether a project-relative path is editable under `patterns` (as {@link ProjectSeed.editable}). */
export function editableMatcher(patterns: readonly string[]): (path: string) => boolean {
  const ignored = picomatch(ignoreGlobs, { dot: true });
  const matches = picomatch([...patterns], { dot: true });
  return (path) => unsafeRelativePath(path) === null && matches(path) && !ignored(path);
}

/**
 * Why `path` (project-relative, already safe) cannot be written as a file of the project in
 * its workspace, or null: a folder on the way that is a symbolic link (the workspace refuses to
 * write through it) or a file, or the path itself an existing folder.
 */
export function unwritableProjectPath(projectDir: string, path: string): string | null {
  const segments = path.split('/');
  for (let end = 1; end <= segments.length; end++) {
    const prefix = segments.slice(0, end).join('/');
    let stats;
    try {
      stats = lstatSync(join(projectDir, prefix));
    } catch {
      return null;
    }
    const last = end === segments.length;
    if (stats.isSymbolicLink() && !last)
      return `${prefix} is a symbolic link in the project; files can be created only in its real folders`;
    if (!last && !stats.isDirectory()) return `${prefix} is a file in the project, not a folder`;
    if (last && stats.isDirectory()) return `${path} is a folder in the project, not a file`;
  }
  return null;
}

/**
 * Reads the project of `config.project` (relative to the experiment folder): its editable files
 * become the seed. Errors name the key and the path: a missing folder, a pattern that matches
 * nothing, a file that is not UTF-8 text, binary or holds a bundle marker line, a symbolic link,
 * an editable set over {@link MAX_EDITABLE_BYTES}.
 */
export function readProjectSeed(experimentDir: string, project: NonNullable<Config['project']>): ProjectSeed {
  const dir = resolve(experimentDir, project.dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new AsiEvolveError('CONFIG_INVALID', `project.dir: the project folder ${dir} does not exist`, {
      key: 'project.dir',
      file: dir,
    });
  const inside = relative(dir, experimentDir);
  if (inside === '' || (!inside.startsWith('..') && !inside.startsWith(sep) && !inside.startsWith('/')))
    throw new AsiEvolveError(
      'CONFIG_INVALID',
      `project.dir: the project folder ${dir} holds the experiment folder; every evaluation copies the project, so keep the experiment (its steps and database) outside it`,
      { key: 'project.dir', file: dir, hint: 'Move the project into a subfolder of the experiment, e.g. project/.' },
    );
  const editable = normalisePatterns(dir, project.editable);
  const paths = new Set<string>();
  editable.forEach((pattern, index) => {
    const found = globSync(pattern, {
      cwd: dir,
      dot: true,
      onlyFiles: true,
      followSymbolicLinks: false,
      ignore: ignoreGlobs,
    });
    const isFolder = pattern.endsWith('/**') && existsSync(join(dir, pattern.slice(0, -3)));
    const literal = join(dir, pattern);
    if (found.length === 0 && existsSync(literal) && lstatSync(literal).isSymbolicLink())
      throw projectError(
        `project.editable: ${literal} is a symbolic link; editable files must be regular files`,
        literal,
      );
    const ignoredFolder = pattern.split('/').find((segment) => ignoredFolders.includes(segment));
    // An empty folder may be editable (to create files in); one never editable may not.
    if (found.length === 0 && (!isFolder || ignoredFolder !== undefined))
      throw new AsiEvolveError(
        'CONFIG_INVALID',
        `project.editable[${index}]: ${JSON.stringify(project.editable[index])} matches no file in ${dir}` +
          (ignoredFolder === undefined
            ? ''
            : `: files under ${ignoredFolder}/ are never editable (version control, caches and dependencies: ${ignoredFolders.join(', ')})`),
        { key: `project.editable[${index}]`, file: dir },
      );
    for (const path of found) paths.add(path);
  });
  if (paths.size === 0)
    throw projectError(`project.editable: no editable file in ${dir}; name at least one existing file`);
  if (paths.size > MAX_EDITABLE_FILES)
    throw projectError(`project.editable: ${paths.size} files match; at most ${MAX_EDITABLE_FILES} may be editable`);
  const files = new Map<string, string>();
  let total = 0;
  for (const path of [...paths].sort()) {
    const file = join(dir, path);
    if (lstatSync(file).isSymbolicLink())
      throw projectError(`project.editable: ${file} is a symbolic link; editable files must be regular files`, file);
    const read = readTextFile(file, MAX_EDITABLE_BYTES);
    if (!read.ok) throw projectError(`project.editable: ${file} ${read.problem}`, file);
    if (read.text.includes('\u0000'))
      throw projectError(
        `project.editable: ${file} is binary (it holds NUL bytes); only text files can be editable`,
        file,
      );
    total += Buffer.byteLength(read.text);
    if (total > MAX_EDITABLE_BYTES)
      throw projectError(
        `project.editable: the editable files hold over ${MAX_EDITABLE_BYTES / (1024 * 1024)} MiB; narrow the patterns`,
      );
    files.set(path, read.text);
  }
  try {
    formatFileSet(files);
  } catch (error) {
    if (error instanceof FileSetError)
      throw projectError(`project.editable: ${join(dir, error.path)}: ${error.message}`, join(dir, error.path));
    throw error;
  }
  return { dir, editable, contextChars: project.context_chars, files };
}

/**
 * The size and modification time of each file of the project folder (version control, caches
 * and dependency folders left out), by project-relative path: what a resumed run compares to
 * say that the project changed under it.
 */
export function projectFileStamps(dir: string): Record<string, string> {
  const stamps: Record<string, string> = {};
  const paths = globSync('**', {
    cwd: dir,
    dot: true,
    onlyFiles: true,
    followSymbolicLinks: false,
    ignore: ignoreGlobs,
  });
  for (const path of paths.sort()) {
    try {
      const stats = lstatSync(join(dir, path));
      stamps[path] = `${stats.size}:${Math.round(stats.mtimeMs)}`;
    } catch {
      // Gone while listed: not part of the project now.
    }
  }
  return stamps;
}

/** A read-only file of the project, for the Researcher's outline; `content` null when too large or not text. */
export interface ProjectContextFile {
  path: string;
  content: string | null;
}

/**
 * The project's files outside the editable set, for the read-only outline: text files up to a
 * size are read, others listed by name. Version control and cache folders are left out.
 */
export function readProjectContext(seed: ProjectSeed): ProjectContextFile[] {
  const isEditable = editableMatcher(seed.editable);
  const paths = globSync('**', {
    cwd: seed.dir,
    dot: true,
    onlyFiles: true,
    followSymbolicLinks: false,
    ignore: ignoreGlobs,
  })
    .filter((path) => !isEditable(path))
    .sort();
  let budget = MAX_CONTEXT_BYTES;
  return paths.map((path) => {
    if (budget <= 0) return { path, content: null };
    const read = readTextFile(join(seed.dir, path), Math.min(MAX_CONTEXT_FILE_BYTES, budget));
    if (!read.ok || read.text.includes('\u0000')) return { path, content: null };
    budget -= read.text.length;
    return { path, content: read.text };
  });
}
