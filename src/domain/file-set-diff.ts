import { formatPatch, structuredPatch } from 'diff';
import { parseFileSet, type FileSet } from './file-set.js';

/** One file that differs between two file sets. */
export interface FileSetChange {
  path: string;
  /** `added`: only in the second set; `deleted`: only in the first; `modified`: in both, with other content. */
  kind: 'added' | 'deleted' | 'modified';
  /** The file's content in the first set, null when added. */
  before: string | null;
  /** The file's content in the second set, null when deleted. */
  after: string | null;
}

/** The files that differ between `before` and `after`, in path order; unchanged files are left out. */
export function fileSetChanges(before: FileSet, after: FileSet): FileSetChange[] {
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changes: FileSetChange[] = [];
  for (const path of paths) {
    const old = before.get(path) ?? null;
    const now = after.get(path) ?? null;
    if (old === now) continue;
    changes.push({
      path,
      kind: old === null ? 'added' : now === null ? 'deleted' : 'modified',
      before: old,
      after: now,
    });
  }
  return changes;
}

/**
 * A path as git writes it in a patch header: C-quoted when it holds a double quote or a
 * character outside printable ASCII (git's `core.quotePath`), bare otherwise.
 */
function gitPath(prefix: string, path: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is quoted
  if (!/["\u0000-\u001f\u007f-\uffff]/.test(path)) return `${prefix}${path}`;
  const bytes = Buffer.from(`${prefix}${path}`, 'utf8');
  let quoted = '';
  for (const byte of bytes) {
    if (byte === 0x22 || byte === 0x5c) quoted += `\\${String.fromCharCode(byte)}`;
    else if (byte < 0x20 || byte >= 0x7f) quoted += `\\${byte.toString(8).padStart(3, '0')}`;
    else quoted += String.fromCharCode(byte);
  }
  return `"${quoted}"`;
}

/**
 * One file's change as a git-style patch section (`diff --git a/PATH b/PATH`, `new file mode` or
 * `deleted file mode` when it is created or removed, then the unified hunks), which `git apply`
 * accepts.
 */
export function gitFilePatch(change: FileSetChange, context = 3): string {
  const a = gitPath('a/', change.path);
  const b = gitPath('b/', change.path);
  const header = [`diff --git ${a} ${b}`];
  if (change.kind === 'added') header.push('new file mode 100644');
  if (change.kind === 'deleted') header.push('deleted file mode 100644');
  header.push(`--- ${change.kind === 'added' ? '/dev/null' : a}`, `+++ ${change.kind === 'deleted' ? '/dev/null' : b}`);
  const before = change.before ?? '';
  const after = change.after ?? '';
  if (before === '' && after === '') return `${header.slice(0, 2).join('\n')}\n`;
  const patch = structuredPatch(change.path, change.path, before, after, undefined, undefined, { context });
  // formatPatch writes the hunks with the unified-diff conventions (a zero-length side starts one line early).
  const lines = formatPatch(patch).split('\n');
  const hunks = lines.slice(lines.findIndex((line) => line.startsWith('@@'))).join('\n');
  return `${header.join('\n')}\n${hunks}`;
}

/** Every change as one git-style patch (empty when nothing changed). */
export function gitPatch(changes: readonly FileSetChange[], context = 3): string {
  return changes.map((change) => gitFilePatch(change, context)).join('');
}

/**
 * The per-file changes from program `before` to program `after` when both are bundles
 * (domain/file-set.ts), or null when either is a single file's text.
 */
export function programFileChanges(before: string, after: string): FileSetChange[] | null {
  const beforeFiles = parseFileSet(before);
  const afterFiles = parseFileSet(after);
  return beforeFiles === null || afterFiles === null ? null : fileSetChanges(beforeFiles, afterFiles);
}
