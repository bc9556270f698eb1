import type { GenerateResult } from '../../llm/index.js';

const rewriteFormat =
  'Answer again with <name>…</name>, <motivation>…</motivation>, <provenance>…</provenance> and the complete program inside <code>…</code>.';

const diffFormat =
  'Answer again with <name>…</name>, <motivation>…</motivation>, <provenance>…</provenance>, then the complete set of SEARCH/REPLACE blocks (none of your previous edits were kept: every block applies to the original program).';

const filesFormat =
  'Answer again with <name>…</name>, <motivation>…</motivation>, <provenance>…</provenance>, then your edits: SEARCH/REPLACE blocks that name their file on the SEARCH line (`<<<<<<< SEARCH path/to/file`), or whole files as <file path="path/to/file">…</file> (none of your previous edits were kept: every edit applies to the files as they were shown to you).';

/** Which answer format a follow-up asks for again: a whole program, SEARCH/REPLACE blocks, or edits across files. */
export type FeedbackFormat = 'rewrite' | 'diff' | 'files';

function formatFor(mode: FeedbackFormat): string {
  if (mode === 'files') return filesFormat;
  return mode === 'diff' ? diffFormat : rewriteFormat;
}

function cutOffNote(result: GenerateResult): string {
  return result.finishReason.unified === 'length'
    ? ' Your answer was cut off at the output limit: keep it shorter.'
    : '';
}

/** The follow-up message after an answer that misses parts of the response format. */
export function formatFeedback(problem: string, result: GenerateResult, mode: FeedbackFormat): string {
  return `Your answer could not be used: ${problem}.${cutOffNote(result)} ${formatFor(mode)}`;
}

/** The follow-up message after a program over the length limit. */
export function lengthFeedback(length: number, limit: number, mode: FeedbackFormat): string {
  const subject =
    mode === 'files'
      ? 'The edited files would be'
      : mode === 'diff'
        ? 'The edited program would be'
        : 'Your program is';
  return `${subject} ${length} characters long; the limit is ${limit} characters. Make it shorter (drop comments, dead code and repetition) without losing the idea. ${formatFor(mode)}`;
}

/** The follow-up message after edits that broke the EVOLVE-block boundaries. */
export function evolveBlockFeedback(message: string, mode: FeedbackFormat): string {
  return `Your program changed text it must keep: ${message}. ${formatFor(mode)}`;
}

/** The follow-up message after SEARCH/REPLACE blocks that did not apply. */
export function diffFeedback(descriptions: string[], mode: 'diff' | 'files' = 'diff'): string {
  const source = mode === 'files' ? 'the file' : 'the program';
  return `Some of your SEARCH/REPLACE blocks did not apply:\n\n${descriptions.map((line) => `- ${line}`).join('\n')}\n\nCopy the SEARCH lines exactly from ${source} as it was shown to you. ${formatFor(mode)}`;
}
