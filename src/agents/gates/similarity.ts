import { createHash } from 'node:crypto';

/** Tokens per program shingle: long enough that shared boilerplate does not make programs alike. */
export const shingleLength = 4;

/** The program with every run of whitespace collapsed to one space and the ends trimmed. */
export function normaliseProgram(program: string): string {
  return program.replace(/\s+/g, ' ').trim();
}

/** The motivation lower-cased with whitespace collapsed, for the exact-duplicate check. */
export function normaliseMotivation(motivation: string): string {
  return motivation.toLowerCase().replace(/\s+/g, ' ').trim();
}

/** A collision-free (SHA-1) fingerprint of a normalised text, for exact-duplicate checks. */
export function textHash(normalised: string): string {
  return createHash('sha1').update(normalised).digest('base64');
}

const programToken = /[A-Za-z_$][\w$]*|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|\S/g;

/** Identifiers, numbers and single punctuation characters of a program; whitespace is ignored. */
export function programTokens(program: string): string[] {
  return program.match(programToken) ?? [];
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The program's shingles: every run of {@link shingleLength} consecutive tokens, hashed to 32 bits.
 * A program shorter than one shingle gives one shingle of all its tokens; an empty one, none.
 */
export function programShingles(program: string): Set<number> {
  const tokens = programTokens(program);
  const shingles = new Set<number>();
  if (tokens.length === 0) return shingles;
  const last = Math.max(0, tokens.length - shingleLength);
  for (let start = 0; start <= last; start++) {
    shingles.add(fnv1a(tokens.slice(start, start + shingleLength).join('\u0001')));
  }
  return shingles;
}

/** |A ∩ B| / |A ∪ B|; 0 when either set is empty. */
export function jaccard(left: ReadonlySet<number>, right: ReadonlySet<number>): number {
  if (left.size === 0 || right.size === 0) return 0;
  const [small, large] = left.size <= right.size ? [left, right] : [right, left];
  let shared = 0;
  for (const value of small) if (large.has(value)) shared++;
  return shared / (left.size + right.size - shared);
}

/** Cosine similarity of two vectors of the same length; 0 when either is the zero vector. */
export function cosine(left: Float32Array, right: Float32Array): number {
  let dot = 0;
  let leftSquares = 0;
  let rightSquares = 0;
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index++) {
    const a = left[index] as number;
    const b = right[index] as number;
    dot += a * b;
    leftSquares += a * a;
    rightSquares += b * b;
  }
  if (leftSquares === 0 || rightSquares === 0) return 0;
  return Math.min(1, Math.max(-1, dot / Math.sqrt(leftSquares * rightSquares)));
}
