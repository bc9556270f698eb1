import { NODE_TEXT_LIMITS, type Provenance } from '../../domain/index.js';
import { ResponseFormatError } from '../errors.js';
import { cleanAnswer, extractTag } from '../tags.js';

/** One SEARCH/REPLACE edit. */
export interface SearchReplaceBlock {
  search: string;
  replace: string;
}

/** A parsed full-rewrite answer. */
export interface RewriteAnswer {
  kind: 'rewrite';
  name: string;
  motivation: string;
  provenance: Provenance;
  program: string;
}

/** A parsed diff-mode answer. */
export interface DiffAnswer {
  kind: 'diff';
  name: string;
  motivation: string;
  provenance: Provenance;
  blocks: SearchReplaceBlock[];
}

const provenances: readonly Provenance[] = ['cognition', 'experience', 'novel'];

function parseProvenance(text: string): Provenance {
  const value = extractTag(text, 'provenance')?.trim().toLowerCase() ?? '';
  return provenances.find((candidate) => value.startsWith(candidate)) ?? 'unknown';
}

/** Removes one ``` fence around the whole program, if there is one. */
export function stripCodeFence(code: string): string {
  const trimmed = code.replace(/^\s*\n/, '').replace(/\s+$/, '');
  const fenced = /^```[^\n`]*\n([\s\S]*?)\n?```$/.exec(trimmed.trimStart());
  if (fenced !== null) return `${fenced[1] ?? ''}\n`;
  return trimmed.length === 0 ? '' : `${trimmed}\n`;
}

function headerFields(text: string, missing: string[]): { name: string; motivation: string } {
  const name = extractTag(text, 'name')?.trim() ?? '';
  const motivation = extractTag(text, 'motivation')?.trim() ?? '';
  if (name === '') missing.push('<name>');
  if (motivation === '') missing.push('<motivation>');
  checkLength('<name>', name, NODE_TEXT_LIMITS.name);
  checkLength('<motivation>', motivation, NODE_TEXT_LIMITS.motivation);
  return { name: name.replace(/\s+/g, ' '), motivation };
}

/** A field over its limit goes back to the model: stored, it would swell every prompt that samples the node. */
function checkLength(tag: string, value: string, limit: number): void {
  if (value.length <= limit) return;
  throw new ResponseFormatError(`${tag} is ${value.length} characters; keep it under ${limit}`, [tag]);
}

/**
 * The `<name>`, `<motivation>` and `<provenance>` of an answer (already cleaned); a missing or
 * empty name or motivation is added to `missing`.
 * @throws ResponseFormatError when a field is over its length limit
 */
export function parseAnswerHeader(
  text: string,
  missing: string[],
): Pick<RewriteAnswer, 'name' | 'motivation' | 'provenance'> {
  return { ...headerFields(text, missing), provenance: parseProvenance(text) };
}

function formatError(missing: string[]): ResponseFormatError {
  return new ResponseFormatError(`the answer is missing ${missing.join(', ')}`, missing);
}

/**
 * Parses a full-rewrite answer: `<name>`, `<motivation>`, `<code>` (a ``` fence inside is
 * stripped), optional `<provenance>` ('unknown' when absent).
 * @throws ResponseFormatError listing every missing or empty tag
 */
export function parseRewriteAnswer(answer: string): RewriteAnswer {
  const text = cleanAnswer(answer);
  const missing: string[] = [];
  const { name, motivation } = headerFields(text, missing);
  const code = extractTag(text, 'code', true);
  const program = code === null ? '' : stripCodeFence(code);
  if (program.trim() === '') missing.push('<code>');
  if (missing.length > 0) throw formatError(missing);
  return { kind: 'rewrite', name, motivation, provenance: parseProvenance(text), program };
}

const blockPattern =
  /^[ \t]*<{5,9} SEARCH[^\n]*\n([\s\S]*?)^[ \t]*={5,9}[ \t]*\n([\s\S]*?)^[ \t]*>{5,9} REPLACE[^\n]*$/gm;

const searchMarkerPattern = /^[ \t]*<{5,9} SEARCH/gm;

/** Every SEARCH/REPLACE block of a text, in order (fences around them do not matter). */
export function parseSearchReplaceBlocks(text: string): SearchReplaceBlock[] {
  const blocks: SearchReplaceBlock[] = [];
  for (const match of cleanAnswer(text).matchAll(blockPattern)) {
    blocks.push({ search: dropFinalNewline(match[1] ?? ''), replace: dropFinalNewline(match[2] ?? '') });
  }
  return blocks;
}

function dropFinalNewline(text: string): string {
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/**
 * Parses a diff-mode answer: `<name>`, `<motivation>`, optional `<provenance>`, then one or more
 * SEARCH/REPLACE blocks. An answer with no block but a `<code>` tag is taken as a full rewrite.
 * @throws ResponseFormatError listing every missing part, or when a block lacks its REPLACE line
 */
export function parseDiffAnswer(answer: string): DiffAnswer | RewriteAnswer {
  const text = cleanAnswer(answer);
  const blocks = parseSearchReplaceBlocks(text);
  if (blocks.length === 0 && extractTag(text, 'code', true) !== null) return parseRewriteAnswer(text);
  const missing: string[] = [];
  const { name, motivation } = headerFields(text, missing);
  if (blocks.length === 0) missing.push('SEARCH/REPLACE blocks');
  if (missing.length > 0) throw formatError(missing);
  // A block without its REPLACE line either swallows the next block (markers would land in the
  // program) or is dropped at the end of the answer: both must go back to the model.
  const searchLines = text.match(searchMarkerPattern)?.length ?? 0;
  if (searchLines > blocks.length) {
    throw new ResponseFormatError(
      `the answer has ${searchLines} <<<<<<< SEARCH lines but ${blocks.length} complete block${blocks.length === 1 ? '' : 's'}: ` +
        'end every block with its own ======= and >>>>>>> REPLACE lines',
      ['>>>>>>> REPLACE'],
    );
  }
  return { kind: 'diff', name, motivation, provenance: parseProvenance(text), blocks };
}
