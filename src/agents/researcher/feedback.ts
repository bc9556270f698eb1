import type { GenerateResult } from '../../llm/index.js';

const rewriteFormat =
  'Answer again with <name>…</name>, <motivation>…</motivation>, <provenance>…</provenance> and the complete program inside <code>…</code>.';

const diffFormat =
  'Answer again with <name>…</name>, <motivation>…</motivation>, <provenance>…</provenance>, then the complete set of SEARCH/REPLACE blocks (none of your previous edits were kept: every block applies to the original program).';

function cutOffNote(result: GenerateResult): string {
  return result.finishReason.unified === 'length'
    ? ' Your answer was cut off at the output limit: keep it shorter.'
    : '';
}

/** The follow-up message after an answer that misses parts of the response format. */
export function formatFeedback(problem: string, result: GenerateResult, mode: 'rewrite' | 'diff'): string {
  return `Your answer could not be used: ${problem}.${cutOffNote(result)} ${mode === 'diff' ? diffFormat : rewriteFormat}`;
}

/** The follow-up message after a program over the length limit. */
export function lengthFeedback(length: number, limit: number, mode: 'rewrite' | 'diff'): string {
  const subject = mode === 'diff' ? 'The edited program would be' : 'Your program is';
  return `${subject} ${length} characters long; the limit is ${limit} characters. Make it shorter (drop comments, dead code and repetition) without losing the idea. ${mode === 'diff' ? diffFormat : rewriteFormat}`;
}

/** The follow-up message after edits that broke the EVOLVE-block boundaries. */
export function evolveBlockFeedback(message: string, mode: 'rewrite' | 'diff'): string {
  return `Your program changed text it must keep: ${message}. ${mode === 'diff' ? diffFormat : rewriteFormat}`;
}

/** The follow-up message after SEARCH/REPLACE blocks that did not apply. */
export function diffFeedback(descriptions: string[]): string {
  return `Some of your SEARCH/REPLACE blocks did not apply:\n\n${descriptions.map((line) => `- ${line}`).join('\n')}\n\nCopy the SEARCH lines exactly from the program as it was shown to you. ${diffFormat}`;
}
