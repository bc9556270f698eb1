import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatFileSet } from '../../domain/index.js';
import { createScratch } from '../../evaluation/test-support/scratch.js';
import { rejectedAsiError, thrownAsiError } from '../../test-support/asi-error.js';
import { evaluateJobCommand, readJobFile } from './evaluate-job.js';

const scratch = createScratch();
afterAll(() => scratch.cleanup());

function writeJob(name: string, value: unknown): string {
  const path = join(scratch.root, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

describe('evaluate-job', () => {
  it('runs the job in its step folder and writes the outcome, leaving no temporary file', async () => {
    const job = scratch.job({ command: 'echo hello; echo \'{"eval_score": 2.5, "loss": 0.1}\' > results.json' });
    const jobFile = writeJob('ok.json', job);
    const outcomeFile = join(scratch.root, 'ok.outcome.json');
    const printed: string[] = [];
    await evaluateJobCommand(jobFile, outcomeFile, (text) => printed.push(text));
    expect(JSON.parse(readFileSync(outcomeFile, 'utf8'))).toMatchObject({
      status: 'ok',
      evalScore: 2.5,
      results: { eval_score: 2.5, loss: 0.1 },
      logs: { stdoutTail: 'hello\n' },
    });
    expect(printed.join('')).toBe('evaluate-job: ok, score 2.5\n');
    expect(readdirSync(scratch.root).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it("builds a multi-file job's workspace where it runs: the job carries the files and the project path, not a copy", async () => {
    const projectDir = join(scratch.root, 'project');
    mkdirSync(projectDir, { recursive: true });
    writeFileSync(join(projectDir, 'train.py'), 'import model\n');
    writeFileSync(join(projectDir, 'model.py'), 'W = 1\n');
    const job = scratch.job({
      program: formatFileSet(new Map([['model.py', 'W = 2\n']])),
      projectDir,
      command:
        'cat "$ASI_EVOLVE_WORKSPACE/model.py" "$ASI_EVOLVE_WORKSPACE/train.py"; echo \'{"eval_score": 1}\' > results.json',
    });
    const outcomeFile = join(scratch.root, 'multi.outcome.json');
    await evaluateJobCommand(writeJob('multi.json', job), outcomeFile, () => undefined);
    expect(JSON.parse(readFileSync(outcomeFile, 'utf8'))).toMatchObject({
      status: 'ok',
      logs: { stdoutTail: 'W = 2\nimport model\n' },
    });
    expect(existsSync(join(job.stepDir, 'workspace'))).toBe(false);
    expect(readFileSync(join(projectDir, 'model.py'), 'utf8')).toBe('W = 1\n');
  });

  it('writes a failed evaluation as an outcome, not an error', async () => {
    const jobFile = writeJob('failing.json', scratch.job({ command: 'echo broken >&2; exit 4' }));
    const outcomeFile = join(scratch.root, 'failing.outcome.json');
    const printed: string[] = [];
    await evaluateJobCommand(jobFile, outcomeFile, (text) => printed.push(text));
    expect(JSON.parse(readFileSync(outcomeFile, 'utf8'))).toMatchObject({
      status: 'failed',
      reason: 'exit-code',
      exitCode: 4,
      logs: { stderrTail: 'broken\n' },
    });
    expect(printed.join('')).toMatch(/^evaluate-job: failed \(exit-code\): /);
  });

  it('names the job file when it is missing, not JSON or not a job', async () => {
    const missing = join(scratch.root, 'nope.json');
    expect(thrownAsiError(() => readJobFile(missing))).toMatchObject({
      code: 'USAGE',
      file: missing,
      message: expect.stringContaining(`cannot read the job file ${missing}`),
    });
    const notJson = writeJob('garbage.json', '{"stepDir": ');
    expect(thrownAsiError(() => readJobFile(notJson)).message).toContain(`the job file ${notJson} is not JSON`);
    const wrong = writeJob('wrong.json', { ...scratch.job({}), timeoutMs: 'soon', extra: 1 });
    const error = thrownAsiError(() => readJobFile(wrong));
    expect(error.message).toContain(`the job file ${wrong} is not an evaluation job`);
    expect(error.message).toContain('timeoutMs');
    expect(error.message).toContain('extra');
    // Nothing was evaluated, so no outcome is written.
    const outcomeFile = join(scratch.root, 'wrong.outcome.json');
    expect((await rejectedAsiError(evaluateJobCommand(wrong, outcomeFile, () => undefined))).code).toBe('USAGE');
    expect(readdirSync(scratch.root)).not.toContain('wrong.outcome.json');
  });

  it('reports an outcome file it cannot write', async () => {
    const jobFile = writeJob('unwritable.json', scratch.job({}));
    const error = await rejectedAsiError(
      evaluateJobCommand(jobFile, join(scratch.root, 'no-such-folder', 'outcome.json'), () => undefined),
    );
    expect(error.code).toBe('EXECUTOR_UNAVAILABLE');
    expect(error.message).toContain('cannot write the outcome file');
  });
});
