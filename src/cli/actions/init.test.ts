import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { thrownAsiError } from '../../test-support/asi-error.js';
import { initCommand } from './init.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'asi-init-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('initCommand on a path that cannot be a folder', () => {
  it('names a target that is a file (with or without --force), or lies under one, as a usage error', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    for (const force of [false, true]) {
      const error = thrownAsiError(() => initCommand(file, { template: 'circle-packing', force }, () => undefined));
      expect(error.code).toBe('USAGE');
      expect(error.message).toBe(`${file} exists and is not a folder; choose another path`);
    }
    const under = join(file, 'sub');
    const error = thrownAsiError(() =>
      initCommand(under, { template: 'circle-packing', force: false }, () => undefined),
    );
    expect(error.code).toBe('USAGE');
    expect(error.message).toContain(`cannot create ${under}`);
  });
});
