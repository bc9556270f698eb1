import { describe, expect, it } from 'vitest';
import { applySearchReplace, describeFailure } from './search-replace.js';

const program = 'def f(x):\n    return x * 0.5\n\ndef g(x):\n    return x * 0.5\n\nSTEP = 10\n';

describe('applySearchReplace', () => {
  it('replaces an exact, unique match', () => {
    const result = applySearchReplace(program, [{ search: 'STEP = 10', replace: 'STEP = 12' }]);
    expect(result).toEqual({ ok: true, program: program.replace('STEP = 10', 'STEP = 12') });
  });

  it('applies several blocks in order, each to the result of the previous', () => {
    const result = applySearchReplace(program, [
      { search: 'def f(x):\n    return x * 0.5', replace: 'def f(x):\n    return x * 0.7' },
      { search: 'STEP = 10', replace: 'STEP = 11' },
      { search: 'x * 0.7', replace: 'x * 0.8' },
    ]);
    expect(result.ok).toBe(true);
    if (result.ok)
      expect(result.program).toBe('def f(x):\n    return x * 0.8\n\ndef g(x):\n    return x * 0.5\n\nSTEP = 11\n');
  });

  it('reports a SEARCH text that is not found, without fuzzy matching', () => {
    const result = applySearchReplace(program, [
      { search: 'STEP = 10', replace: 'STEP = 9' },
      { search: 'def f(x):\n  return x * 0.5', replace: 'nothing' },
    ]);
    expect(result).toEqual({
      ok: false,
      failures: [{ blockIndex: 1, search: 'def f(x):\n  return x * 0.5', reason: 'not-found' }],
    });
  });

  it('reports a SEARCH text that occurs more than once as ambiguous', () => {
    const result = applySearchReplace(program, [{ search: '    return x * 0.5', replace: '    return x' }]);
    expect(result).toEqual({
      ok: false,
      failures: [{ blockIndex: 0, search: '    return x * 0.5', reason: 'ambiguous' }],
    });
    expect(applySearchReplace(program, [{ search: '', replace: 'x' }]).ok).toBe(false);
  });

  it('matches LF blocks against a CRLF program', () => {
    const result = applySearchReplace('a = 1\r\nb = 2\r\n', [{ search: 'a = 1\nb = 2', replace: 'a = 3\nb = 4' }]);
    expect(result).toEqual({ ok: true, program: 'a = 3\r\nb = 4\r\n' });
  });
});

describe('applySearchReplace with mixed line endings', () => {
  it('matches LF lines of a program that mixes CRLF and LF', () => {
    const result = applySearchReplace('header\r\nb = 2\nc = 3\n', [
      { search: 'b = 2\nc = 3', replace: 'b = 5\nc = 6' },
    ]);
    expect(result).toEqual({ ok: true, program: 'header\r\nb = 5\nc = 6\n' });
  });
});

describe('describeFailure', () => {
  it('names the block (1-based) and the line that does not occur', () => {
    const message = describeFailure(
      { blockIndex: 1, search: 'def f(x):\n    return x * 0.9', reason: 'not-found' },
      program,
    );
    expect(message).toContain("block 2's SEARCH text was not found in the program");
    expect(message).toContain('Its line 2 does not occur in the program: `    return x * 0.9`');
  });

  it('says when only whitespace differs', () => {
    const message = describeFailure(
      { blockIndex: 0, search: 'def f(x):\n  return x * 0.5', reason: 'not-found' },
      program,
    );
    expect(message).toContain('differs from the program only in whitespace or indentation');
  });

  it('asks for more context when ambiguous', () => {
    const message = describeFailure({ blockIndex: 2, search: 'return x * 0.5', reason: 'ambiguous' }, program);
    expect(message).toContain("block 3's SEARCH text occurs more than once");
  });
});
