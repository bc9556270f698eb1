import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missingPathsIn, pathsHiddenBySandbox } from './hidden-paths.js';

const folder = mkdtempSync(join(tmpdir(), 'asi-hidden-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('missingPathsIn', () => {
  it('reads the paths that Node, Python and bash could not open', () => {
    const output = [
      "Error: Cannot find module '/opt/lib/scorers.js'",
      'Require stack:',
      '- /work/exp/evaluate.js',
      "FileNotFoundError: [Errno 2] No such file or directory: '/data/points.csv'",
      "python3: can't open file '/srv/eval/main.py': [Errno 2] No such file or directory",
      'bash: /usr/local/bin/scorer: No such file or directory',
      'reading /data/points.csv failed',
    ].join('\n');
    expect(missingPathsIn(output)).toEqual([
      '/opt/lib/scorers.js',
      '/data/points.csv',
      '/srv/eval/main.py',
      '/usr/local/bin/scorer',
    ]);
  });

  it('ignores paths on lines that report no missing file, and relative paths', () => {
    expect(missingPathsIn('wrote /tmp/out.json\nError: ./local.js not found\n')).toEqual([]);
  });
});

describe('pathsHiddenBySandbox', () => {
  it('keeps the missing paths that exist on this machine', () => {
    const present = join(folder, 'scorers.js');
    writeFileSync(present, '');
    const output = `Error: Cannot find module '${present}'\nError: Cannot find module '${join(folder, 'absent.js')}'\n`;
    expect(pathsHiddenBySandbox(output)).toEqual([present]);
  });
});
