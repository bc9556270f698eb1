import type { SearchReplaceBlock } from './parse.js';

/** Why a block did not apply: its SEARCH text occurs nowhere, or more than once. */
export interface SearchReplaceFailure {
  /** 0-based position of the block in the answer. */
  blockIndex: number;
  search: string;
  reason: 'not-found' | 'ambiguous';
}

export type SearchReplaceResult = { ok: true; program: string } | { ok: false; failures: SearchReplaceFailure[] };

function countOccurrences(text: string, search: string): number {
  let count = 0;
  for (let index = text.indexOf(search); index !== -1; index = text.indexOf(search, index + 1)) {
    count++;
    if (count > 1) break;
  }
  return count;
}

/**
 * Applies SEARCH/REPLACE blocks in order, each to the result of the previous ones. A SEARCH text
 * must occur exactly once (exact match, no fuzzy matching); every block that does not is a
 * failure, and the program is returned only when all blocks applied. An empty SEARCH text is
 * ambiguous unless the program is empty. A program with CRLF line endings is matched as if the
 * blocks had them too (or as written, where a program mixing both has LF at that place).
 * @example applySearchReplace('a = 1\n', [{ search: 'a = 1', replace: 'a = 2' }]) // { ok: true, program: 'a = 2\n' }
 */
export function applySearchReplace(program: string, blocks: readonly SearchReplaceBlock[]): SearchReplaceResult {
  const crlf = program.includes('\r\n');
  const toProgramEndings = (text: string): string => (crlf ? text.replace(/\r?\n/g, '\r\n') : text);
  const failures: SearchReplaceFailure[] = [];
  let current = program;
  blocks.forEach((block, blockIndex) => {
    let search = toProgramEndings(block.search);
    let replace = toProgramEndings(block.replace);
    // A program that mixes CRLF and LF: the block's LF lines may be where the program has LF.
    if (search !== block.search && !current.includes(search) && current.includes(block.search)) {
      search = block.search;
      replace = block.replace;
    }
    if (search === '') {
      if (current === '') current = replace;
      else failures.push({ blockIndex, search: block.search, reason: 'ambiguous' });
      return;
    }
    const count = countOccurrences(current, search);
    if (count !== 1) {
      failures.push({ blockIndex, search: block.search, reason: count === 0 ? 'not-found' : 'ambiguous' });
      return;
    }
    const index = current.indexOf(search);
    current = current.slice(0, index) + replace + current.slice(index + search.length);
  });
  return failures.length === 0 ? { ok: true, program: current } : { ok: false, failures };
}

function quote(text: string, limit = 300): string {
  const shown = text.length > limit ? `${text.slice(0, limit)}…` : text;
  return shown.includes('\n') ? `\n${shown}\n` : `\`${shown}\``;
}

/**
 * A message for the model naming a failed block and, for a block not found, the first of its
 * lines that does not occur in the program (or that only its whitespace differs).
 */
export function describeFailure(failure: SearchReplaceFailure, program: string, file?: string): string {
  const where = file === undefined ? 'the program' : file;
  const label = `block ${failure.blockIndex + 1}`;
  if (failure.reason === 'ambiguous') {
    return failure.search === ''
      ? `${label}'s SEARCH text is empty: it must contain the lines to replace.`
      : `${label}'s SEARCH text occurs more than once in ${where}; add surrounding lines so that it matches exactly one place: ${quote(failure.search)}`;
  }
  const programLines = new Set(program.replace(/\r\n/g, '\n').split('\n'));
  const trimmedLines = new Set([...programLines].map((line) => line.trim()));
  const lines = failure.search.split('\n');
  const missingIndex = lines.findIndex((line) => !programLines.has(line));
  let detail = '';
  const missingLine = lines[missingIndex];
  if (missingIndex >= 0 && missingLine !== undefined) {
    detail = trimmedLines.has(missingLine.trim())
      ? ` Its line ${missingIndex + 1} differs from ${where} only in whitespace or indentation: \`${missingLine}\`.`
      : ` Its line ${missingIndex + 1} does not occur in ${where}: \`${missingLine}\`.`;
  } else {
    detail = ` Each of its lines occurs in ${where}, but not together in this order.`;
  }
  return `${label}'s SEARCH text was not found in ${where}: ${quote(failure.search)}${detail}`;
}
