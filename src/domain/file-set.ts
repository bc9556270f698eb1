/**
 * A multi-file candidate: the files of a project that the Researcher may change, by path.
 *
 * Everywhere a round passes a program as text (a node's `program`, an evaluation job, the gates,
 * the judge, the built-in operator), a multi-file candidate travels as one text, its *bundle*:
 * each file as a marker line naming it, then its content. Single-file programs never contain a
 * marker line, so a program is a bundle exactly when its first line is one.
 *
 * @example
 * formatFileSet(new Map([['model.py', 'x = 1\n'], ['train.py', 'run()\n']]))
 * // '@@@ asi-evolve file: model.py @@@\nx = 1\n@@@ asi-evolve file: train.py @@@\nrun()\n'
 */

/** Project-relative POSIX path → file content. */
export type FileSet = ReadonlyMap<string, string>;

const markerPrefix = '@@@ asi-evolve file: ';
const markerSuffix = ' @@@';
const markerLine = /^@@@ asi-evolve file: (.+) @@@$/;

/** Why a path or a file's content cannot be part of a file set. */
export class FileSetError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'FileSetError';
  }
}

/**
 * The reason `path` is not a project-relative file path, or null when it is one: POSIX
 * separators, no leading `/`, no `.` or `..` segment, no empty segment, no control character.
 */
export function unsafeRelativePath(path: string): string | null {
  if (path === '') return 'the path is empty';
  if (path.length > 4096) return 'the path is longer than 4096 characters';
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'the path contains a control character';
  if (path.includes('\\')) return 'the path contains a backslash; use /';
  if (path.startsWith('/')) return 'the path is absolute; give it relative to the project';
  const segments = path.split('/');
  if (segments.some((segment) => segment === '..')) return 'the path leaves the project (..)';
  if (segments.some((segment) => segment === '' || segment === '.')) return 'the path has an empty or "." segment';
  return null;
}

/**
 * The first path of `paths` that is also a folder of another path (`lib` beside `lib/a.py`), with
 * that other path, or null: no project can hold both, so such a set could never be written out.
 */
function fileAlsoFolder(paths: Iterable<string>): { path: string; inside: string } | null {
  const all = [...paths];
  const folders = new Map<string, string>();
  for (const path of all) {
    for (let end = path.indexOf('/'); end !== -1; end = path.indexOf('/', end + 1))
      if (!folders.has(path.slice(0, end))) folders.set(path.slice(0, end), path);
  }
  for (const path of all) {
    const inside = folders.get(path);
    if (inside !== undefined) return { path, inside };
  }
  return null;
}

function folderConflictError(conflict: { path: string; inside: string }): FileSetError {
  return new FileSetError(
    `${conflict.path}: the path is a file, but ${conflict.inside} makes it a folder; a path cannot be both`,
    conflict.path,
  );
}

/** True when `program` is a bundle of files rather than one file's text. */
export function isFileSetProgram(program: string): boolean {
  const end = program.indexOf('\n');
  return markerLine.test(end === -1 ? program : program.slice(0, end));
}

/**
 * The bundle of `files`, in path order so that the same files always give the same text.
 * Each file's content ends with a newline in the bundle; a file without a final newline gets
 * one (as a Researcher's rewrite would).
 * @throws FileSetError for an unsafe path, a path that is also another's folder, or a content
 * line that would read as a marker
 */
export function formatFileSet(files: FileSet): string {
  if (files.size === 0) throw new FileSetError('a file set needs at least one file', '');
  const conflict = fileAlsoFolder(files.keys());
  if (conflict !== null) throw folderConflictError(conflict);
  const parts: string[] = [];
  for (const path of [...files.keys()].sort()) {
    const problem = unsafeRelativePath(path);
    if (problem !== null) throw new FileSetError(`${path}: ${problem}`, path);
    const content = files.get(path) ?? '';
    if (content.split('\n').some((line) => markerLine.test(line)))
      throw new FileSetError(`${path}: a line of the file reads as an "${markerPrefix.trim()}" marker`, path);
    parts.push(
      `${markerPrefix}${path}${markerSuffix}\n`,
      content === '' || content.endsWith('\n') ? content : `${content}\n`,
    );
  }
  return parts.join('');
}

/**
 * The files of a bundle, or null when `program` is a single file's text.
 * @throws FileSetError when a marker names an unsafe path or the same path twice, or a path is
 * also another's folder
 */
export function parseFileSet(program: string): Map<string, string> | null {
  if (!isFileSetProgram(program)) return null;
  const files = new Map<string, string>();
  let path: string | null = null;
  let lines: string[] = [];
  const flush = () => {
    if (path !== null) files.set(path, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
  };
  // A bundle's text ends with a newline, so the last split element is the empty rest.
  const all = program.endsWith('\n') ? program.slice(0, -1).split('\n') : program.split('\n');
  for (const line of all) {
    const marker = markerLine.exec(line);
    if (marker === null) {
      lines.push(line);
      continue;
    }
    flush();
    const next = marker[1] ?? '';
    const problem = unsafeRelativePath(next);
    if (problem !== null) throw new FileSetError(`${next}: ${problem}`, next);
    if (files.has(next)) throw new FileSetError(`${next}: the file appears twice in the bundle`, next);
    path = next;
    lines = [];
  }
  flush();
  const conflict = fileAlsoFolder(files.keys());
  if (conflict !== null) throw folderConflictError(conflict);
  return files;
}
