import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AsiEvolveError } from '../../errors.js';
import { thrownAsiError } from '../../test-support/asi-error.js';
import { openExperimentStore } from './open-experiment-store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'asi-open-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function failure(path: string): AsiEvolveError {
  return thrownAsiError(() => openExperimentStore(path).close());
}

describe('openExperimentStore', () => {
  it('tells a folder that does not exist from one that never ran', () => {
    const missing = join(dir, 'typo');
    expect(failure(missing).message).toBe(`experiment folder not found: ${missing}`);
    expect(failure(dir).message).toBe(`no run has been stored in ${dir} yet (no asi-evolve.db)`);
  });
});
