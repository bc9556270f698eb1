import { describe, expect, it } from 'vitest';
import { evolvableLiterals, findNumericLiterals, replaceLiterals } from './literals.js';

const texts = (program: string): string[] => findNumericLiterals(program).map((literal) => literal.text);

describe('findNumericLiterals', () => {
  it('finds integers, floats and exponents with their lines', () => {
    const literals = findNumericLiterals('a = 1\nb = 0.25 + .5\nc = 2.\nd = 1e-6 * 3E+2\n');
    expect(literals.map((literal) => [literal.text, literal.line, literal.isFloat])).toEqual([
      ['1', 1, false],
      ['0.25', 2, true],
      ['.5', 2, true],
      ['2.', 3, true],
      ['1e-6', 4, true],
      ['3E+2', 4, true],
    ]);
  });

  it('skips numbers in strings and comments, and glued to identifiers', () => {
    const program = [
      'const x1 = 0x1F + 3.0f + 1_000 + v2.3; // 7 here',
      'const s = \'no 4\' + "no 5" + `no ${6}`;',
      '/* 8\n 9 */ let y = 10;',
      'version = "1.2.3"',
    ].join('\n');
    expect(texts(program)).toEqual(['10']);
  });

  it('treats # as a comment in Python and // as floor division', () => {
    const program =
      'import math\n\ndef f(n):\n    # 0.9 is old\n    return n // 2 + 0.5  # 3\n\ndoc = """0.1\n0.2"""\n';
    expect(texts(program)).toEqual(['2', '0.5']);
  });

  it('keeps C preprocessor constants', () => {
    expect(texts('#define RATE 0.25\n# comment 7\nint n = 4;')).toEqual(['0.25', '4']);
  });

  it('restricts to EVOLVE blocks when the program has them', () => {
    const program = 'A = 0.1\n# EVOLVE-BLOCK-START\nB = 0.2\n# EVOLVE-BLOCK-END\nC = 0.3\n';
    expect(evolvableLiterals(program).map((literal) => literal.text)).toEqual(['0.2']);
    expect(evolvableLiterals('A = 0.1\n').map((literal) => literal.text)).toEqual(['0.1']);
  });

  it('replaces literals by offset', () => {
    const program = 'a = 0.1; b = 0.1;';
    const [first, second] = findNumericLiterals(program);
    if (first === undefined || second === undefined) throw new Error('expected two literals');
    expect(
      replaceLiterals(program, [
        { literal: second, text: '0.7' },
        { literal: first, text: '12.5' },
      ]),
    ).toBe('a = 12.5; b = 0.7;');
  });
});
