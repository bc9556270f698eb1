import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AsiEvolveError } from '../../errors.js';
import { initCommand } from './init.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'asi-init-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function usageError(action: () => void): AsiEvolveError {
  try {
    action();
  } catch (error) {
    if (AsiEvolveError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an AsiEvolveError');
}

describe('initCommand on a path that cannot be a folder', () => {
  it('names a target that is a file (with or without --force), or lies under one, as a usage error', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    for (const force of [false, true]) {
      const error = usageError(() => initCommand(file, { template: 'circle-packing', force }, () => undefined));
      expect(error.code).toBe('USAGE');
      expect(error.message).toBe(`${file} exists and is not a folder; choose another path`);
    }
    const under = join(file, 'sub');
    const error = usageError(() => initCommand(under, { template: 'circle-packing', force: false }, () => undefined));
    expect(error.code).toBe('USAGE');
    expect(error.message).toContain(`cannot create ${under}`);
  });
});
