import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFileSet } from '../domain/index.js';
import { requires } from '../test-support/requires.js';
import type { SandboxSettings } from './outcome.js';
import { runSandboxed } from './sandbox.js';
import { createScratch } from './test-support/scratch.js';

const scratch = createScratch();
const projectDir = join(scratch.root, 'project');
const bundle = formatFileSet(
  new Map([
    ['model.py', 'WIDTH = 8\n'],
    ['pkg/new.py', 'NEW = True\n'],
  ]),
);

beforeAll(() => {
  mkdirSync(join(projectDir, 'data'), { recursive: true });
  mkdirSync(join(projectDir, '.git'), { recursive: true });
  writeFileSync(join(projectDir, 'model.py'), 'WIDTH = 4\n');
  writeFileSync(join(projectDir, 'train.py'), 'import model\n');
  writeFileSync(join(projectDir, 'data', 'rows.csv'), '1,2\n');
  writeFileSync(join(projectDir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  symlinkSync('data', join(projectDir, 'data-link'));
});
afterAll(() => scratch.cleanup());

/** An evaluator that reads the workspace, tries to change the seed through it, and reports what it saw. */
const evaluator = (tamper: boolean) =>
  [
    'cd "$ASI_EVOLVE_WORKSPACE"',
    'cat model.py pkg/new.py train.py data-link/rows.csv > "$ASI_STEP_DIR/seen.txt"',
    'test -e .git && echo "git copied" >> "$ASI_STEP_DIR/seen.txt"',
    'echo overwritten > model.py; echo overwritten > data-link/rows.csv',
    tamper
      ? `echo tampered > ${projectDir}/train.py 2>/dev/null || echo "seed read-only" >> "$ASI_STEP_DIR/seen.txt"`
      : '',
    'echo \'{"eval_score": 2}\' > "$ASI_STEP_DIR/results.json"',
  ].join('\n');

function expectSeedUntouched(): void {
  expect(readFileSync(join(projectDir, 'model.py'), 'utf8')).toBe('WIDTH = 4\n');
  expect(readFileSync(join(projectDir, 'data', 'rows.csv'), 'utf8')).toBe('1,2\n');
  expect(existsSync(join(projectDir, 'pkg'))).toBe(false);
}

describe('a multi-file evaluation runs in a workspace', () => {
  it('copies the project, writes the candidate over it, runs there, then removes it and keeps the files', async () => {
    const job = scratch.job({
      program: bundle,
      projectDir,
      command: evaluator(false),
      sandbox: { mode: 'none', network: false, readPaths: [] },
    });
    const outcome = await runSandboxed(job);
    expect(outcome).toMatchObject({ status: 'ok', evalScore: 2 });
    const seen = readFileSync(join(job.stepDir, 'seen.txt'), 'utf8');
    expect(seen).toContain('WIDTH = 8\nNEW = True\nimport model\n1,2\n');
    expect(seen).not.toContain('git copied');
    expect(existsSync(join(job.stepDir, 'workspace'))).toBe(false);
    expect(readFileSync(join(job.stepDir, 'files', 'model.py'), 'utf8')).toBe('WIDTH = 8\n');
    expect(readFileSync(join(job.stepDir, 'files', 'pkg', 'new.py'), 'utf8')).toBe('NEW = True\n');
    expect(readFileSync(join(job.stepDir, 'code'), 'utf8')).toBe(bundle);
    expectSeedUntouched();
  });

  it('refuses to write a candidate file through a symbolic link of the project: a failed evaluation, nothing run', async () => {
    const job = scratch.job({
      program: formatFileSet(new Map([['data-link/rows.csv', 'hijacked\n']])),
      projectDir,
      command: 'touch ran; echo \'{"eval_score": 1}\' > results.json',
      sandbox: { mode: 'none', network: false, readPaths: [] },
    });
    const outcome = await runSandboxed(job);
    expect(outcome).toMatchObject({ status: 'failed', reason: 'bad-candidate' });
    expect(outcome.status === 'failed' && outcome.shortMessage).toMatch(/data-link in the project is a symbolic link/);
    expect(existsSync(join(job.stepDir, 'ran'))).toBe(false);
    expectSeedUntouched();
    expect(existsSync(join(job.stepDir, 'workspace'))).toBe(false);
  });

  it('leaves a single-file job as it was: no workspace, no files folder', async () => {
    const job = scratch.job({
      projectDir,
      command: 'echo "$ASI_EVOLVE_WORKSPACE" > ws.txt; echo \'{"eval_score": 1}\' > results.json',
    });
    expect(await runSandboxed(job)).toMatchObject({ status: 'ok' });
    expect(readFileSync(join(job.stepDir, 'ws.txt'), 'utf8')).toBe('\n');
    expect(existsSync(join(job.stepDir, 'files'))).toBe(false);
  });
});

/** Runs an evaluator that tries to write the seed project, and checks that it could not. */
async function expectSeedReadOnly(sandbox: SandboxSettings): Promise<void> {
  const job = scratch.job({ program: bundle, projectDir, command: evaluator(true), sandbox });
  const outcome = await runSandboxed(job);
  expect(outcome).toMatchObject({ status: 'ok', evalScore: 2 });
  expect(readFileSync(join(job.stepDir, 'seen.txt'), 'utf8')).toContain('seed read-only');
  expect(readFileSync(join(projectDir, 'train.py'), 'utf8')).toBe('import model\n');
  expect(existsSync(join(job.stepDir, 'workspace'))).toBe(false);
  expectSeedUntouched();
}

describe('a multi-file evaluation under bubblewrap', requires('bubblewrap'), () => {
  it('keeps the seed project read-only to the evaluator', () =>
    expectSeedReadOnly({ mode: 'bubblewrap', network: false, readPaths: [] }));
});

describe('a multi-file evaluation under unshare', () => {
  it('keeps the seed project read-only to the evaluator', () =>
    expectSeedReadOnly({ mode: 'unshare', network: false, readPaths: [] }));
});
