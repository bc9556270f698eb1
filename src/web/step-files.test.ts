import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readStepLogs, readStepTranscripts, readTail } from './step-files.js';

describe('step files', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  it('does not block on a FIFO a candidate left in its step folder', () => {
    const experiment = mkdtempSync(join(tmpdir(), 'asi-web-steps-'));
    folders.push(experiment);
    const step = join(experiment, 'steps', 'step_3');
    mkdirSync(step, { recursive: true });
    writeFileSync(join(step, 'stdout.log'), 'hello\n');
    // A FIFO with no writer: a plain open for reading waits for one forever.
    execFileSync('mkfifo', [join(step, 'evaluator.log')]);
    const logs = readStepLogs(experiment, 3, 1024);
    expect(Object.keys(logs)).toEqual(['stdout.log']);
    expect(logs['stdout.log']?.text).toBe('hello\n');
    expect(readTail(join(step, 'evaluator.log'), 1024)).toBeUndefined();
  });

  it('does not follow a log link out of the step folder (a candidate pointing evaluator.log at config.yaml)', () => {
    const experiment = mkdtempSync(join(tmpdir(), 'asi-web-steps-'));
    folders.push(experiment);
    writeFileSync(join(experiment, 'config.yaml'), 'api:\n  api_key: sk-config-SECRET\n');
    const step = join(experiment, 'steps', 'step_4');
    mkdirSync(join(step, 'llm'), { recursive: true });
    symlinkSync(join('..', '..', 'config.yaml'), join(step, 'evaluator.log'));
    writeFileSync(join(experiment, 'steps', 'other.json'), '{"leak": true}');
    symlinkSync(join('..', '..', 'other.json'), join(step, 'llm', 'call.json'));
    expect(readStepLogs(experiment, 4, 1024)).toEqual({});
    expect(readStepTranscripts(experiment, 4, 1024)).toEqual([]);
  });
});
