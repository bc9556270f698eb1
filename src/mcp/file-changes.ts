import { applyFileEdits, type FileEdit } from '../agents/index.js';
import { editableMatcher } from '../config/index.js';
import { isFileSetProgram, parseFileSet, unsafeRelativePath } from '../domain/index.js';
import { AsiEvolveError } from '../errors.js';
import type { McpSession } from './session.js';

/**
 * A candidate as an agent sends it to `evaluate` or `record_node`: the whole program, or for a
 * multi-file experiment (docs/architecture.md, “Multi-file candidates”) the changes to a base
 * node's files: whole files by path (which also creates them) and SEARCH/REPLACE edits naming
 * their file.
 */
export interface CandidateInput {
  program?: string | undefined;
  files?: Record<string, string> | undefined;
  edits?: Array<{ path: string; search: string; replace: string }> | undefined;
}

function usage(message: string, key: string, hint?: string): AsiEvolveError {
  return new AsiEvolveError('USAGE', message, { key, ...(hint === undefined ? {} : { hint }) });
}

/**
 * Checks the shape of `input` against the experiment before any work: exactly one of `program`
 * and file changes; file changes only in a multi-file experiment, each path a plain relative
 * path inside the editable set. Returns the edits to apply (null for a whole program).
 */
export function candidateEdits(session: McpSession, input: CandidateInput): FileEdit[] | null {
  const hasChanges = input.files !== undefined || input.edits !== undefined;
  const project = session.experiment.project;
  if (input.program !== undefined && hasChanges) throw usage('give either program or files/edits, not both', 'program');
  if (!hasChanges) {
    if (input.program === undefined) throw usage('program is required: pass the whole candidate program', 'program');
    if (project !== null && !isFileSetProgram(input.program))
      throw usage(
        'this experiment evolves a project: pass files (path → whole content) and/or edits (path, search, replace) instead of program',
        'program',
      );
    return null;
  }
  if (project === null)
    throw usage('files and edits are for multi-file experiments (config project); pass the whole program', 'files');
  const isEditable = editableMatcher(project.editable);
  const edits: FileEdit[] = [];
  const files = Object.entries(input.files ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [path, content] of files) edits.push({ kind: 'file', path, content: session.redact(content) });
  for (const edit of input.edits ?? [])
    edits.push({
      kind: 'block',
      path: edit.path,
      search: session.redact(edit.search),
      replace: session.redact(edit.replace),
    });
  if (edits.length === 0) throw usage('files and edits are empty: change at least one file', 'files');
  for (const edit of edits) {
    const path = edit.path ?? '';
    const key = edit.kind === 'file' ? `files.${path}` : 'edits';
    const problem = unsafeRelativePath(path);
    if (problem !== null) throw usage(`${key}: ${JSON.stringify(path)} was refused: ${problem}`, key);
    if (!isEditable(path))
      throw usage(
        `${key}: ${path} is outside the editable files (${project.editable.join(', ')}); only those may be changed or created`,
        key,
        'see the editable patterns in the task tool’s answer',
      );
  }
  return edits;
}

/**
 * The bundle of `base` (a node's or the seed's program) with `edits` applied, within the
 * Researcher's length bound. A SEARCH that does not apply is named with its file and the nearest
 * line, as a Researcher's would be.
 */
export function applyCandidateEdits(session: McpSession, base: string, edits: readonly FileEdit[]): string {
  const project = session.experiment.project;
  const files = parseFileSet(base);
  if (project === null || files === null) throw usage('the base program is not a multi-file bundle', 'base_id');
  const applied = applyFileEdits(files, edits, {
    patterns: project.editable,
    isEditable: editableMatcher(project.editable),
  });
  if (!applied.ok) throw usage(`the file changes do not apply: ${applied.problems.join('; ')}`, 'edits');
  const limit = session.config.pipeline.researcher.max_code_length;
  if (applied.program.length > limit)
    throw usage(
      `the files are ${applied.program.length} characters together, over the limit of ${limit} (pipeline.researcher.max_code_length)`,
      'files',
    );
  return applied.program;
}
