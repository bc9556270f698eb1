import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { JsonObject, JsonValue } from '../domain/index.js';

/** What reading `results.json` gave: the results and the score, or why they are unusable. */
export type ResultsFileResult =
  | { ok: true; results: JsonObject; evalScore: number }
  | { ok: false; reason: 'bad-results' | 'unsuccessful'; message: string; results: JsonObject | null };

export interface ReadResultsFileOptions {
  /** Larger files are refused (a candidate could write gigabytes). Default 16 MiB. */
  maxBytes?: number;
}

const defaultMaxBytes = 16 * 1024 * 1024;
const nonFiniteStrings = new Set(['nan', '+nan', '-nan', 'infinity', '+infinity', '-infinity', 'inf', '+inf', '-inf']);

/**
 * Python's `json.dump` writes bare `NaN`, `Infinity` and `-Infinity`, which JSON.parse refuses.
 * Outside strings they become the strings "NaN", "Infinity" and "-Infinity", so a NaN in some
 * metric does not lose the whole file.
 */
function quoteNonFiniteLiterals(text: string): string {
  let output = '';
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index] ?? '';
    if (inString) {
      output += character;
      if (character === '\\') {
        output += text[index + 1] ?? '';
        index += 1;
      } else if (character === '"') {
        inString = false;
      }
      continue;
    }
    if (character === '"') inString = true;
    const literal = ['-Infinity', 'Infinity', 'NaN'].find((candidate) => text.startsWith(candidate, index));
    if (literal === undefined) {
      output += character;
    } else {
      output += `"${literal}"`;
      index += literal.length - 1;
    }
  }
  return output;
}

/** The parsed value, and whether bare NaN/Infinity literals had to be quoted to parse it. */
function parseJson(text: string): { value: JsonValue; quoted: boolean } {
  try {
    return { value: JSON.parse(text) as JsonValue, quoted: false };
  } catch (error) {
    const quoted = quoteNonFiniteLiterals(text);
    if (quoted === text) throw error;
    return { value: JSON.parse(quoted) as JsonValue, quoted: true };
  }
}

/**
 * The path (`loss`, `spread[1]`, `per_case.a`) and text of the first non-finite number in the
 * results: a number such as `1e999`, or, when the file held bare literals, one of the strings
 * they became. Null when every number is finite.
 */
export function findNonFinite(
  value: JsonValue,
  quotedLiterals: boolean,
  path = '',
): { path: string; text: string } | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : { path, text: String(value) };
  if (typeof value === 'string') return quotedLiterals && nonFiniteLiterals.has(value) ? { path, text: value } : null;
  if (Array.isArray(value)) {
    for (const [index, entry] of value.entries()) {
      const found = findNonFinite(entry, quotedLiterals, `${path}[${index}]`);
      if (found !== null) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, entry] of Object.entries(value)) {
      const found = findNonFinite(entry, quotedLiterals, path === '' ? key : `${path}.${key}`);
      if (found !== null) return found;
    }
  }
  return null;
}

const nonFiniteLiterals = new Set(['NaN', 'Infinity', '-Infinity']);

type CappedRead = { text: string } | { missing: true } | { notAFile: true } | { tooLarge: number };

function readCapped(path: string, maxBytes: number): CappedRead {
  let descriptor: number;
  try {
    // O_NONBLOCK: a candidate may have made results.json a FIFO, which would block a plain open.
    // O_NOFOLLOW: a link could point at another node's results (a copied score) or at a secret.
    descriptor = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? { missing: true } : { notAFile: true };
  }
  try {
    const stats = fstatSync(descriptor);
    if (!stats.isFile()) return { notAFile: true };
    const size = stats.size;
    if (size > maxBytes) return { tooLarge: size };
    const buffer = Buffer.alloc(size);
    let offset = 0;
    while (offset < size) {
      const read = readSync(descriptor, buffer, offset, size - offset, offset);
      if (read === 0) break;
      offset += read;
    }
    return { text: buffer.subarray(0, offset).toString('utf8') };
  } finally {
    closeSync(descriptor);
  }
}

function oneLine(value: JsonValue | undefined): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}

/**
 * The evaluator's own account of a failure: the `error` (else `message`) field of its results,
 * on one line, or null when it gave none.
 *
 * @example evaluatorError({ success: false, error: 'need 16 points' }) // 'need 16 points'
 */
export function evaluatorError(results: JsonObject | null): string | null {
  if (results === null) return null;
  for (const key of ['error', 'message'] as const) {
    const value = results[key];
    if (value === undefined || value === null || value === '' || value === false) continue;
    const text = oneLine(value);
    if (text.length > 0) return text;
  }
  return null;
}

function describeValue(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${oneLine(JSON.stringify(value))}`;
  return `${typeof value === 'object' ? 'an object' : oneLine(value)}`;
}

/**
 * Reads and checks an evaluator's `results.json` (docs/architecture.md, “The experiment folder and the evaluation contract”).
 *
 * - missing file, invalid JSON, not an object, no `eval_score`, a non-numeric or non-finite
 *   `eval_score` (also the strings "NaN"/"Infinity") → `bad-results`;
 * - `success: false` → `unsuccessful`, quoting the evaluator's `error` or `message` field;
 * - `success` absent with a valid `eval_score` counts as success.
 *
 * NaN or Infinity anywhere in the results (bare literals as Python writes them, or numbers such
 * as `1e999`) is `bad-results` too, naming the field: an evaluator comparing NaN against a
 * tolerance would otherwise pass an invalid candidate. The results are kept, with the literals
 * as the strings "NaN", "Infinity", "-Infinity". Messages name the file and the field.
 * A symbolic link in place of the file is refused.
 *
 * @example
 * const read = readResultsFile(join(stepDir, 'results.json'));
 * if (read.ok) store(read.evalScore, read.results);
 */
export function readResultsFile(path: string, options: ReadResultsFileOptions = {}): ResultsFileResult {
  const maxBytes = options.maxBytes ?? defaultMaxBytes;
  const file = readCapped(path, maxBytes);
  if ('missing' in file) {
    return { ok: false, reason: 'bad-results', message: `${path}: no results file was written`, results: null };
  }
  if ('notAFile' in file) {
    return { ok: false, reason: 'bad-results', message: `${path}: not a readable regular file`, results: null };
  }
  if ('tooLarge' in file) {
    const message = `${path}: the results file has ${file.tooLarge} bytes, more than the ${maxBytes} allowed`;
    return { ok: false, reason: 'bad-results', message, results: null };
  }

  let parsed: JsonValue;
  let quotedLiterals: boolean;
  try {
    ({ value: parsed, quoted: quotedLiterals } = parseJson(file.text.replace(/^\uFEFF/, '')));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: 'bad-results', message: `${path}: not valid JSON (${oneLine(detail)})`, results: null };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    const message = `${path}: expected a JSON object with "eval_score", got ${describeValue(parsed)}`;
    return { ok: false, reason: 'bad-results', message, results: null };
  }
  const results = parsed;

  const success = results.success;
  const reported = evaluatorError(results);
  // The evaluator's own words come first: a long path in front of them gets cut off in a progress line.
  if (success === false || success === 0) {
    const message =
      reported === null ? `${path}: the evaluator reported "success": false` : `${reported} (error in ${path})`;
    return { ok: false, reason: 'unsuccessful', message, results };
  }
  if (reported !== null && results.eval_score === undefined) {
    return {
      ok: false,
      reason: 'unsuccessful',
      message: `${reported} (error in ${path}, which has no "eval_score")`,
      results,
    };
  }
  if (success !== undefined && success !== true && success !== 1) {
    const message = `${path}: field "success" must be true or false, got ${describeValue(success)}`;
    return { ok: false, reason: 'bad-results', message, results };
  }

  const score = results.eval_score;
  if (score === undefined) {
    return { ok: false, reason: 'bad-results', message: `${path}: field "eval_score" is missing`, results };
  }
  if (typeof score === 'string' && nonFiniteStrings.has(score.trim().toLowerCase())) {
    return {
      ok: false,
      reason: 'bad-results',
      message: `${path}: field "eval_score" is ${score.trim()}, not a finite number`,
      results,
    };
  }
  if (typeof score !== 'number') {
    const message = `${path}: field "eval_score" must be a number, got ${describeValue(score)}`;
    return { ok: false, reason: 'bad-results', message, results };
  }
  if (!Number.isFinite(score)) {
    return {
      ok: false,
      reason: 'bad-results',
      message: `${path}: field "eval_score" is ${score}, not a finite number`,
      results,
    };
  }
  const nonFinite = findNonFinite(results, quotedLiterals);
  if (nonFinite !== null) {
    const message = `${path}: field "${nonFinite.path}" is ${nonFinite.text}, not a finite number (NaN and Infinity fail the evaluation)`;
    return { ok: false, reason: 'bad-results', message, results };
  }
  return { ok: true, results, evalScore: score };
}
