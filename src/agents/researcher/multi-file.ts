import { FileSetError, formatFileSet, unsafeRelativePath } from '../../domain/index.js';
import { ResponseFormatError } from '../errors.js';
import { cleanAnswer } from '../tags.js';
import { checkEvolveBlocks } from './evolve-blocks.js';
import { parseAnswerHeader, stripCodeFence, type RewriteAnswer } from './parse.js';
import { applySearchReplace, describeFailure } from './search-replace.js';

/**
 * One edit of a multi-file answer (docs/architecture.md, “Multi-file candidates”): a
 * SEARCH/REPLACE block that names its file on its SEARCH line (`<<<<<<< SEARCH model.py`), or a
 * whole file (`<file path="model.py">…</file>`), which also creates a new file.
 */
export type FileEdit =
  | { kind: 'block'; path: string | null; search: string; replace: string }
  | { kind: 'file'; path: string; content: string };

/** A parsed multi-file answer. */
export interface MultiFileAnswer extends Pick<RewriteAnswer, 'name' | 'motivation' | 'provenance'> {
  edits: FileEdit[];
}

const fileBlockPattern = /<file[ \t]+path[ \t]*=[ \t]*"([^"\n]*)"[ \t]*>[ \t]*\n?([\s\S]*?)<\/file>/g;
const blockPattern =
  /^[ \t]*<{5,9} SEARCH[ \t]*([^\n]*)\n([\s\S]*?)^[ \t]*={5,9}[ \t]*\n([\s\S]*?)^[ \t]*>{5,9} REPLACE[^\n]*$/gm;
const searchMarkerPattern = /^[ \t]*<{5,9} SEARCH/gm;

function dropFinalNewline(text: string): string {
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/** A path as the model wrote it: quotes, backticks and a `path:` or `file:` label removed. */
function cleanPath(text: string): string | null {
  const path = text
    .trim()
    .replace(/^(?:path|file)[ \t]*[:=][ \t]*/i, '')
    .replace(/^["'`]|["'`]$/g, '')
    .replace(/^\.\//, '');
  return path === '' ? null : path;
}

/**
 * The edits of an answer, in order: `<file path="…">` blocks and SEARCH/REPLACE blocks naming
 * their file. `missing` gets a note when there is none.
 * @throws ResponseFormatError when a block lacks its REPLACE line
 */
export function parseFileEdits(answer: string, missing: string[] = []): FileEdit[] {
  const text = cleanAnswer(answer);
  const found: Array<{ at: number; edit: FileEdit }> = [];
  let rest = '';
  let last = 0;
  for (const match of text.matchAll(fileBlockPattern)) {
    found.push({
      at: match.index,
      edit: { kind: 'file', path: match[1]?.trim() ?? '', content: stripCodeFence(match[2] ?? '') },
    });
    rest += text.slice(last, match.index) + ' '.repeat(match[0].length);
    last = match.index + match[0].length;
  }
  rest += text.slice(last);
  let blocks = 0;
  for (const match of rest.matchAll(blockPattern)) {
    blocks++;
    found.push({
      at: match.index,
      edit: {
        kind: 'block',
        path: cleanPath(match[1] ?? ''),
        search: dropFinalNewline(match[2] ?? ''),
        replace: dropFinalNewline(match[3] ?? ''),
      },
    });
  }
  if (found.length === 0) missing.push('SEARCH/REPLACE blocks or <file path="…"> blocks');
  const searchLines = rest.match(searchMarkerPattern)?.length ?? 0;
  if (searchLines > blocks)
    throw new ResponseFormatError(
      `the answer has ${searchLines} <<<<<<< SEARCH lines but ${blocks} complete block${blocks === 1 ? '' : 's'}: ` +
        'end every block with its own ======= and >>>>>>> REPLACE lines',
      ['>>>>>>> REPLACE'],
    );
  found.sort((a, b) => a.at - b.at);
  return found.map((entry) => entry.edit);
}

/**
 * Parses a multi-file answer: `<name>`, `<motivation>`, optional `<provenance>`, then edits in
 * order — `<file path="…">` blocks and SEARCH/REPLACE blocks naming their file.
 * @throws ResponseFormatError listing what is missing, or when a block lacks its REPLACE line
 */
export function parseMultiFileAnswer(answer: string): MultiFileAnswer {
  const text = cleanAnswer(answer);
  const missing: string[] = [];
  const header = parseAnswerHeader(text, missing);
  const edits = parseFileEdits(text, missing);
  if (missing.length > 0) throw new ResponseFormatError(`the answer is missing ${missing.join(', ')}`, missing);
  return { ...header, edits };
}

/** What the edits give: the new bundle, or problems to send back to the model. */
export type FileEditsResult =
  | { ok: true; program: string; changed: string[]; created: string[] }
  | { ok: false; kind: 'format' | 'diff' | 'evolve-block'; problems: string[] };

/** Where the edits may write: the paths already in the bundle and new paths that `isEditable` allows. */
export interface EditablePaths {
  /** The patterns, shown in the refusal. */
  patterns: readonly string[];
  isEditable(path: string): boolean;
  /** Why a new path cannot be written in the project, or null (see {@link ProjectView}). */
  unwritable?: ((path: string) => string | null) | undefined;
}

function label(edit: FileEdit, index: number): string {
  return edit.kind === 'file' ? `<file path="${edit.path}"> (edit ${index + 1})` : `block ${index + 1}`;
}

/**
 * Applies a multi-file answer's edits, in order, to the files of `base` (the parent's bundle)
 * and returns the new bundle. An unsafe path or one outside the editable set is refused with
 * the reason; a block that does not apply is described with its file and the nearest line;
 * EVOLVE blocks are checked per file.
 */
export function applyFileEdits(
  base: ReadonlyMap<string, string>,
  edits: readonly FileEdit[],
  editable: EditablePaths,
): FileEditsResult {
  const files = new Map(base);
  const refused: string[] = [];
  const failed: string[] = [];
  edits.forEach((edit, index) => {
    const path = edit.path ?? (base.size === 1 ? ([...base.keys()][0] ?? null) : null);
    if (path === null) {
      refused.push(
        `${label(edit, index)} does not name its file: write the path after SEARCH, as in \`<<<<<<< SEARCH ${[...base.keys()][0] ?? 'path/to/file'}\``,
      );
      return;
    }
    const unsafe = unsafeRelativePath(path);
    if (unsafe !== null) {
      refused.push(`${label(edit, index)} names ${JSON.stringify(path)}, which was refused: ${unsafe}`);
      return;
    }
    if (!files.has(path) && !editable.isEditable(path)) {
      refused.push(
        `${label(edit, index)} names ${path}, which is outside the editable files (${editable.patterns.join(', ')}); it was refused: only those may be changed or created`,
      );
      return;
    }
    const unwritable = files.has(path) ? null : (editable.unwritable?.(path) ?? null);
    if (unwritable !== null) {
      refused.push(`${label(edit, index)} names ${path}, which was refused: ${unwritable}`);
      return;
    }
    if (edit.kind === 'file') {
      files.set(path, edit.content);
      return;
    }
    const current = files.get(path);
    if (current === undefined && edit.search !== '') {
      failed.push(
        `${label(edit, index)} edits ${path}, which does not exist; to create a file, give it whole as <file path="${path}">…</file>`,
      );
      return;
    }
    const applied = applySearchReplace(current ?? '', [{ search: edit.search, replace: edit.replace }]);
    if (applied.ok) files.set(path, applied.program);
    else
      for (const failure of applied.failures)
        failed.push(describeFailure({ ...failure, blockIndex: index }, current ?? '', path));
  });
  if (refused.length > 0) return { ok: false, kind: 'format', problems: refused };
  if (failed.length > 0) return { ok: false, kind: 'diff', problems: failed };
  const broken: string[] = [];
  for (const [path, before] of base) {
    const check = checkEvolveBlocks(before, files.get(path) ?? '');
    if (!check.ok) broken.push(`${path}: ${check.message}`);
  }
  if (broken.length > 0) return { ok: false, kind: 'evolve-block', problems: broken };
  let program: string;
  try {
    program = formatFileSet(files);
  } catch (error) {
    if (error instanceof FileSetError) return { ok: false, kind: 'format', problems: [error.message] };
    throw error;
  }
  const changed = [...base.keys()].filter((path) => files.get(path) !== base.get(path));
  const created = [...files.keys()].filter((path) => !base.has(path));
  return { ok: true, program, changed, created };
}
