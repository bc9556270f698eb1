import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { thrownAsiError } from '../test-support/asi-error.js';
import { resolveExperiment } from './experiment.js';
import { configSchema } from './schema.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'asi-experiment-'));
  writeFileSync(join(dir, 'eval.sh'), 'true\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveExperiment with a folder where a file belongs', () => {
  it('names input.md or initial_program that is a folder instead of crashing', () => {
    const config = configSchema.parse({});
    mkdirSync(join(dir, 'input.md'));
    const task = thrownAsiError(() => resolveExperiment(dir, config));
    expect(task).toMatchObject({ code: 'EXPERIMENT_MISSING_FILE', file: join(dir, 'input.md') });
    expect(task.message).toContain('is a folder: expected the task description');

    rmSync(join(dir, 'input.md'), { recursive: true });
    writeFileSync(join(dir, 'input.md'), 'task\n');
    mkdirSync(join(dir, 'initial_program'));
    const program = thrownAsiError(() => resolveExperiment(dir, config));
    expect(program).toMatchObject({ code: 'EXPERIMENT_MISSING_FILE', file: join(dir, 'initial_program') });
  });
});
