import { applyPatch, structuredPatch, type StructuredPatchHunk } from 'diff';
import { formatFileSet, parseFileSet, type FileSet } from '../domain/index.js';

/**
 * How a multi-file program (a bundle, see domain/file-set.ts) is stored against another one:
 * only the files that differ, each as the hunks of its line diff, its whole content when it is
 * new (or too different to diff quickly), or a deletion mark. Unchanged files are not written,
 * so a round that edits a few lines of one file costs a few hundred bytes, whatever the project.
 */
type FileChange = { hunks: StructuredPatchHunk[] } | { content: string } | { deleted: true };

interface StoredDelta {
  v: 1;
  files: Record<string, FileChange>;
}

/** Line edits beyond which a file is stored whole: the diff's cost stays bounded on a rewrite. */
const maxEditLength = 4000;

/**
 * The stored delta that turns `base` into `program`, or null when either is not a bundle (the
 * program is then stored whole). The delta is checked by applying it before it is returned, so a
 * delta that would not rebuild `program` exactly is never written.
 */
export function programDelta(base: string, program: string): string | null {
  const baseFiles = parseFileSetOrNull(base);
  const files = parseFileSetOrNull(program);
  if (baseFiles === null || files === null) return null;
  const changes: Record<string, FileChange> = {};
  for (const [path, content] of files) {
    const before = baseFiles.get(path);
    if (before === content) continue;
    if (before === undefined) {
      changes[path] = { content };
      continue;
    }
    // No context lines: the delta is applied to exactly the text it was made from.
    const patch = structuredPatch(path, path, before, content, undefined, undefined, { context: 0, maxEditLength });
    changes[path] = patch === undefined ? { content } : { hunks: patch.hunks };
  }
  for (const path of baseFiles.keys()) if (!files.has(path)) changes[path] = { deleted: true };
  const delta = JSON.stringify({ v: 1, files: changes } satisfies StoredDelta);
  const rebuilt = applyProgramDelta(base, delta);
  return rebuilt.ok && rebuilt.program === program ? delta : null;
}

/** The outcome of applying a stored delta: the program, or why it could not be rebuilt. */
export type DeltaResult = { ok: true; program: string } | { ok: false; reason: string };

/** Applies a delta made by `programDelta` to the program it was made from. */
export function applyProgramDelta(base: string, delta: string): DeltaResult {
  const baseFiles = parseFileSetOrNull(base);
  if (baseFiles === null) return { ok: false, reason: 'its base program is not a multi-file bundle' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(delta);
  } catch (error) {
    return { ok: false, reason: `its stored delta is not valid JSON (${(error as Error).message})` };
  }
  if (!isStoredDelta(parsed)) return { ok: false, reason: 'its stored delta is not a version 1 file delta' };
  const files = new Map(baseFiles);
  for (const [path, change] of Object.entries(parsed.files)) {
    if ('deleted' in change) {
      if (!files.delete(path)) return { ok: false, reason: `its delta deletes ${path}, which its base does not hold` };
    } else if ('content' in change) {
      files.set(path, change.content);
    } else {
      const before = files.get(path);
      if (before === undefined) return { ok: false, reason: `its delta patches ${path}, which its base does not hold` };
      const after = applyHunks(path, before, change.hunks);
      if (after === false) return { ok: false, reason: `its patch of ${path} does not apply to its base` };
      files.set(path, after);
    }
  }
  if (files.size === 0) return { ok: false, reason: 'its delta deletes every file' };
  try {
    return { ok: true, program: formatFileSet(files) };
  } catch (error) {
    return { ok: false, reason: `its rebuilt files are not a valid bundle (${(error as Error).message})` };
  }
}

function applyHunks(path: string, before: string, hunks: StructuredPatchHunk[]): string | false {
  try {
    return applyPatch(before, { oldFileName: path, newFileName: path, oldHeader: '', newHeader: '', hunks });
  } catch {
    return false;
  }
}

function parseFileSetOrNull(program: string): FileSet | null {
  try {
    return parseFileSet(program);
  } catch {
    return null;
  }
}

function isStoredDelta(value: unknown): value is StoredDelta {
  if (typeof value !== 'object' || value === null) return false;
  const { v, files } = value as { v?: unknown; files?: unknown };
  if (v !== 1 || typeof files !== 'object' || files === null || Array.isArray(files)) return false;
  return Object.values(files as Record<string, unknown>).every(isFileChange);
}

function isFileChange(value: unknown): value is FileChange {
  if (typeof value !== 'object' || value === null) return false;
  const change = value as { hunks?: unknown; content?: unknown; deleted?: unknown };
  if (change.deleted === true) return true;
  if (typeof change.content === 'string') return true;
  return Array.isArray(change.hunks) && change.hunks.every(isHunk);
}

function isHunk(value: unknown): value is StructuredPatchHunk {
  if (typeof value !== 'object' || value === null) return false;
  const hunk = value as Record<string, unknown>;
  return (
    ['oldStart', 'oldLines', 'newStart', 'newLines'].every((key) => Number.isInteger(hunk[key])) &&
    Array.isArray(hunk['lines']) &&
    hunk['lines'].every((line) => typeof line === 'string')
  );
}
