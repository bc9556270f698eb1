import { evolveBlockRanges, hasEvolveBlocks } from '../researcher/evolve-blocks.js';

/** A numeric literal of a program (its sign, if any, is not part of it). */
export interface NumericLiteral {
  /** Offsets in the program: `program.slice(start, end) === text`. */
  start: number;
  end: number;
  text: string;
  value: number;
  /** Written with a decimal point or an exponent. */
  isFloat: boolean;
  /** 1-based line number. */
  line: number;
}

const numberPattern = /(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?/y;
const identifierCharacter = /[A-Za-z0-9_$]/;
const tokenTail = /[A-Za-z0-9_$.]*/y;

/** Python-looking programs: `#` comments, `//` is floor division, triple-quoted strings. */
function looksLikePython(program: string): boolean {
  return /^\s*def \w+\s*\(|^\s*from [\w.]+ import |^import [\w.]+(?: as \w+)?\s*$/m.test(program);
}

/** The offset where a string starting at `start` (with `quote`) ends, exclusive. */
function stringEnd(program: string, start: number, quote: string): number {
  if (quote.length === 3) {
    const end = program.indexOf(quote, start + 3);
    return end === -1 ? program.length : end + 3;
  }
  for (let index = start + 1; index < program.length; index++) {
    const character = program[index];
    if (character === '\\') index++;
    else if (character === quote) return index + 1;
    else if (character === '\n' && quote !== '`') return index;
  }
  return program.length;
}

function lineEnd(program: string, start: number): number {
  const end = program.indexOf('\n', start);
  return end === -1 ? program.length : end;
}

/** Whether a `#` at `index` starts a comment (in non-Python programs `#define` or `#field` do not). */
function hashIsComment(program: string, index: number, python: boolean): boolean {
  if (python) return true;
  const next = program[index + 1];
  return next === undefined || /[\s#!]/.test(next);
}

/**
 * The numeric literals of a program in any language, skipping those in strings and comments
 * (`#`, `//`, `/* … *\/`, quotes, Python triple quotes) and those glued to identifiers (`x1`,
 * `0x1F`, `3.0f`, `1_000`, `1.2.3`), which are not plain numbers.
 */
export function findNumericLiterals(program: string): NumericLiteral[] {
  const python = looksLikePython(program);
  const literals: NumericLiteral[] = [];
  let line = 1;
  let index = 0;
  const advanceTo = (target: number): void => {
    for (let position = index; position < target; position++) if (program[position] === '\n') line++;
    index = target;
  };
  while (index < program.length) {
    const character = program[index] ?? '';
    const next = program[index + 1] ?? '';
    if (character === '\n') {
      line++;
      index++;
    } else if (character === '#' && hashIsComment(program, index, python)) {
      advanceTo(lineEnd(program, index));
    } else if (!python && character === '/' && next === '/') {
      advanceTo(lineEnd(program, index));
    } else if (!python && character === '/' && next === '*') {
      const end = program.indexOf('*/', index + 2);
      advanceTo(end === -1 ? program.length : end + 2);
    } else if (character === '"' || character === "'" || character === '`') {
      const triple = python && program.startsWith(character.repeat(3), index) ? character.repeat(3) : character;
      advanceTo(stringEnd(program, index, triple));
    } else if (/\d/.test(character) || (character === '.' && /\d/.test(next))) {
      const previous = program[index - 1] ?? '';
      numberPattern.lastIndex = index;
      const match = numberPattern.exec(program);
      const text = match?.[0] ?? character;
      const after = program[index + text.length] ?? '';
      const glued =
        identifierCharacter.test(previous) || previous === '.' || identifierCharacter.test(after) || after === '.';
      if (match !== null && !glued) {
        literals.push({
          start: index,
          end: index + text.length,
          text,
          value: Number(text),
          isFloat: /[.eE]/.test(text),
          line,
        });
        index += text.length;
      } else {
        tokenTail.lastIndex = index;
        const token = tokenTail.exec(program)?.[0] ?? character;
        index += Math.max(1, token.length);
      }
    } else if (identifierCharacter.test(character)) {
      tokenTail.lastIndex = index;
      index += Math.max(1, tokenTail.exec(program)?.[0].replace(/\..*$/, '').length ?? 1);
    } else {
      index++;
    }
  }
  return literals;
}

/** The literals the built-in operator may change: those inside EVOLVE blocks when the program has any, else all. */
export function evolvableLiterals(program: string): NumericLiteral[] {
  const literals = findNumericLiterals(program);
  if (!hasEvolveBlocks(program)) return literals;
  const ranges = evolveBlockRanges(program);
  return literals.filter((literal) =>
    ranges.some((range) => literal.line - 1 >= range.firstLine && literal.line - 1 <= range.lastLine),
  );
}

/** Replaces literals (by their offsets) with new texts. */
export function replaceLiterals(
  program: string,
  replacements: ReadonlyArray<{ literal: NumericLiteral; text: string }>,
): string {
  let result = program;
  for (const { literal, text } of [...replacements].sort((left, right) => right.literal.start - left.literal.start)) {
    result = result.slice(0, literal.start) + text + result.slice(literal.end);
  }
  return result;
}
