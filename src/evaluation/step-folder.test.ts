import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareStepFolder, readFileTail } from './step-folder.js';
import { createScratch } from './test-support/scratch.js';

const scratch = createScratch();
afterAll(() => scratch.cleanup());

describe('prepareStepFolder', () => {
  it('writes the candidate to code and to the program file, and removes what an earlier attempt left', () => {
    const job = scratch.job({});
    mkdirSync(join(job.stepDir, 'results.json'), { recursive: true });
    writeFileSync(join(job.stepDir, 'results.json', 'inside'), 'a folder in its place');
    writeFileSync(join(job.stepDir, 'evaluator.log'), 'old log\n');
    const outside = join(scratch.root, 'outside.txt');
    writeFileSync(outside, 'not to be touched\n');
    symlinkSync(outside, join(job.stepDir, 'code'));
    const files = prepareStepFolder(job);
    expect(existsSync(files.resultsPath)).toBe(false);
    expect(existsSync(join(job.stepDir, 'evaluator.log'))).toBe(false);
    expect(lstatSync(files.codePath).isSymbolicLink()).toBe(false);
    expect(readFileSync(files.codePath, 'utf8')).toBe(job.program);
    expect(readFileSync(files.programPath, 'utf8')).toBe(job.program);
    expect(readFileSync(outside, 'utf8')).toBe('not to be touched\n');
  });

  it('prepares a new folder where nothing was left', () => {
    const files = prepareStepFolder(scratch.job({}));
    expect(readFileSync(files.programPath, 'utf8')).toBe('print("candidate")\n');
    expect(existsSync(files.resultsPath)).toBe(false);
  });
});

describe('readFileTail', () => {
  const folder = join(scratch.root, 'tails');
  mkdirSync(folder, { recursive: true });

  it('gives nothing for a path that is not there, or lies under a file', () => {
    writeFileSync(join(folder, 'a-file'), 'text');
    expect(readFileTail(join(folder, 'absent.log'), 100)).toBeUndefined();
    expect(readFileTail(join(folder, 'a-file', 'evaluator.log'), 100)).toBeUndefined();
  });

  it('gives nothing for a link (a candidate could point it at a secret), a folder or a FIFO, without waiting', () => {
    writeFileSync(join(folder, 'secret'), 'secret\n');
    symlinkSync(join(folder, 'secret'), join(folder, 'linked.log'));
    mkdirSync(join(folder, 'folder.log'));
    expect(spawnSync('mkfifo', [join(folder, 'fifo.log')]).status).toBe(0);
    expect(readFileTail(join(folder, 'linked.log'), 100)).toBeUndefined();
    expect(readFileTail(join(folder, 'folder.log'), 100)).toBeUndefined();
    expect(readFileTail(join(folder, 'fifo.log'), 100)).toBeUndefined();
  });

  it('gives the last bytes of a long file, from the start of a character', () => {
    writeFileSync(join(folder, 'long.log'), `${'x'.repeat(1_000)}é-end`);
    expect(readFileTail(join(folder, 'long.log'), 6)).toBe('é-end');
    expect(readFileTail(join(folder, 'long.log'), 5)).toBe('-end');
  });
});
