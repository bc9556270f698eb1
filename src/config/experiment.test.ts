import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
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
    expect(task.message).toContain('is a folder, not a text file: expected the task description');

    rmSync(join(dir, 'input.md'), { recursive: true });
    writeFileSync(join(dir, 'input.md'), 'task\n');
    mkdirSync(join(dir, 'initial_program'));
    const program = thrownAsiError(() => resolveExperiment(dir, config));
    expect(program).toMatchObject({ code: 'EXPERIMENT_MISSING_FILE', file: join(dir, 'initial_program') });
  });
});

describe('resolveExperiment with hostile task and program files', () => {
  it('refuses a device, an oversized file and bytes that are not UTF-8, naming the file', () => {
    const config = configSchema.parse({});
    symlinkSync('/dev/zero', join(dir, 'input.md'));
    expect(thrownAsiError(() => resolveExperiment(dir, config)).message).toBe(
      `${join(dir, 'input.md')} is not a regular file (a device, FIFO or socket); give a text file: expected the task description as a UTF-8 text file`,
    );
    rmSync(join(dir, 'input.md'));
    writeFileSync(join(dir, 'input.md'), 'task\n');
    truncateSync(join(dir, 'input.md'), 2 * 1024 * 1024);
    expect(thrownAsiError(() => resolveExperiment(dir, config)).message).toContain(
      `is ${2 * 1024 * 1024} bytes; it may be at most 1 MiB`,
    );
    writeFileSync(join(dir, 'input.md'), 'task\n');
    writeFileSync(join(dir, 'initial_program'), Buffer.from([0x78, 0x0a, 0xff, 0xfe, 0x0a]));
    expect(thrownAsiError(() => resolveExperiment(dir, config))).toMatchObject({
      file: join(dir, 'initial_program'),
      message: expect.stringContaining('line 2 has bytes that are not UTF-8'),
    });
  });
});

describe('resolveExperiment with evaluation stages', () => {
  it('needs no eval.sh when the stages are the evaluator, and still names eval.sh when nothing evaluates', () => {
    writeFileSync(join(dir, 'input.md'), 'task\n');
    rmSync(join(dir, 'eval.sh'));
    expect(thrownAsiError(() => resolveExperiment(dir, configSchema.parse({})))).toMatchObject({
      code: 'EXPERIMENT_MISSING_FILE',
      file: join(dir, 'eval.sh'),
    });
    const staged = configSchema.parse({
      evaluator: {
        stages: [
          { name: 'quick', command: 'bash quick.sh' },
          { name: 'full', command: 'bash full.sh' },
        ],
      },
    });
    expect(resolveExperiment(dir, staged).evaluatorCommand).toBe('bash quick.sh && bash full.sh');
  });
});
