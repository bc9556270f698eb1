import { describe, expect, it } from 'vitest';
import { FileSetError, formatFileSet, isFileSetProgram, parseFileSet, unsafeRelativePath } from './file-set.js';

describe('file sets as one program text', () => {
  it('round-trips files in path order, empty files and blank lines included', () => {
    const files = new Map([
      ['train.py', 'run()\n\n'],
      ['model/net.py', 'x = 1\n'],
      ['empty.txt', ''],
      ['blank.txt', '\n'],
    ]);
    const bundle = formatFileSet(files);
    expect(bundle.split('\n')[0]).toBe('@@@ asi-evolve file: blank.txt @@@');
    expect(isFileSetProgram(bundle)).toBe(true);
    expect(parseFileSet(bundle)).toEqual(files);
    expect([...(parseFileSet(bundle)?.keys() ?? [])]).toEqual(['blank.txt', 'empty.txt', 'model/net.py', 'train.py']);
  });

  it('ends a file without a final newline with one, and reads a single-file program as no bundle', () => {
    expect(parseFileSet(formatFileSet(new Map([['a.py', 'x = 1']])))).toEqual(new Map([['a.py', 'x = 1\n']]));
    expect(parseFileSet('print(1)\n# @@@ asi-evolve file: a.py @@@\n')).toBeNull();
    expect(isFileSetProgram('')).toBe(false);
  });

  it('refuses unsafe paths, a content line that reads as a marker, a repeated file and an empty set', () => {
    for (const path of ['', '/etc/passwd', '../x', 'a/../../x', 'a//b', './a', 'a\\b', 'a\u0000b'])
      expect(unsafeRelativePath(path), path).not.toBeNull();
    expect(unsafeRelativePath('src/model.py')).toBeNull();
    expect(() => formatFileSet(new Map([['../up.py', '']]))).toThrow(FileSetError);
    expect(() => formatFileSet(new Map([['a.py', '@@@ asi-evolve file: b.py @@@\n']]))).toThrow(/reads as/);
    expect(() => formatFileSet(new Map())).toThrow(/at least one/);
    expect(() => parseFileSet('@@@ asi-evolve file: a.py @@@\n@@@ asi-evolve file: a.py @@@\n')).toThrow(/twice/);
    expect(() => parseFileSet('@@@ asi-evolve file: ../a.py @@@\n')).toThrow(/leaves the project/);
  });
});
