import { existsSync, lstatSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EvaluationOutcome } from './outcome.js';
import {
  exactTolerance,
  freshReproductionFolder,
  relativeSpread,
  reproduceScore,
  reproductionFolder,
  toleranceFromSpread,
  withinTolerance,
} from './reproduce.js';
import { runSandboxed } from './sandbox.js';
import { createScratch } from './test-support/scratch.js';

const scratch = createScratch();
afterAll(() => scratch.cleanup());

const logs = { stdoutTail: '', stderrTail: '', truncated: false };
const ok = (score: number): EvaluationOutcome => ({
  status: 'ok',
  results: { eval_score: score },
  evalScore: score,
  durationMs: 1,
  logs,
});

describe('withinTolerance', () => {
  it('compares relatively, accepts equal scores, and refuses non-finite ones', () => {
    expect(withinTolerance(2.635983, 2.6359831, 1e-6)).toBe(true);
    expect(withinTolerance(2.635983, 2.64, 1e-6)).toBe(false);
    expect(withinTolerance(0, 0, 0)).toBe(true);
    expect(withinTolerance(-100, -100.5, 0.01)).toBe(true);
    expect(withinTolerance(Number.NaN, Number.NaN, 1)).toBe(false);
  });
});

describe('reproduceScore', () => {
  it('reproduces when every re-run agrees', async () => {
    const report = await reproduceScore(2.5, { count: 2, tolerance: 1e-6 }, async () => ok(2.5));
    expect(report).toMatchObject({
      reproduced: true,
      summary: null,
      runs: [
        { attempt: 1, score: 2.5 },
        { attempt: 2, score: 2.5 },
      ],
    });
  });

  it('flags a best whose re-run scores differently, and stops there', async () => {
    const attempts: number[] = [];
    const report = await reproduceScore(3, { count: 3, tolerance: 1e-6 }, async (attempt) => {
      attempts.push(attempt);
      return ok(1);
    });
    expect(attempts).toEqual([1]);
    expect(report).toMatchObject({
      reproduced: false,
      summary: 'scored 3, but re-run 1 scored 1 (relative tolerance 0.000001)',
    });
  });

  it('flags a best whose re-run fails', async () => {
    const failed: EvaluationOutcome = {
      status: 'failed',
      reason: 'exit-code',
      shortMessage: 'exited with code 1',
      exitCode: 1,
      signal: null,
      results: null,
      durationMs: 1,
      logs,
    };
    const report = await reproduceScore(3, { count: 1, tolerance: 0.5 }, async () => failed);
    expect(report.summary).toBe(
      'scored 3, but re-run 1 failed: exit-code: exited with code 1 (relative tolerance 0.5)',
    );
  });

  it('runs nothing with count 0', async () => {
    const report = await reproduceScore(3, { count: 0, tolerance: 0 }, async () => {
      throw new Error('must not run');
    });
    expect(report.reproduced).toBe(true);
  });

  it('catches a flaky evaluator in real re-runs, each in its own folder', async () => {
    const job = scratch.job({ command: 'echo "{\\"eval_score\\": $((RANDOM % 1000 + 1))}" > results.json' });
    const first = await runSandboxed(job);
    if (first.status !== 'ok') throw new Error('the first run failed');
    const report = await reproduceScore(first.evalScore, { count: 3, tolerance: 1e-9 }, (attempt) =>
      runSandboxed({ ...job, stepDir: reproductionFolder(job.stepDir, attempt) }),
    );
    expect(report.reproduced).toBe(false);
    expect(reproductionFolder('/x/steps/step_4', 2)).toBe('/x/steps/step_4-reproduce-2');
  });
});

describe('freshReproductionFolder', () => {
  it('removes what an earlier run left at step_N-reproduce-K (files or a link out) without following it', () => {
    const stepDir = join(scratch.root, 'steps', 'step_90');
    const elsewhere = join(scratch.root, 'elsewhere');
    mkdirSync(elsewhere, { recursive: true });
    writeFileSync(join(elsewhere, 'cached.json'), '{"eval_score": 99}');
    mkdirSync(stepDir, { recursive: true });
    symlinkSync(elsewhere, `${stepDir}-reproduce-1`);
    mkdirSync(`${stepDir}-reproduce-2`, { recursive: true });
    writeFileSync(join(`${stepDir}-reproduce-2`, 'cached.json'), '{"eval_score": 99}');

    expect(freshReproductionFolder(stepDir, 1)).toBe(reproductionFolder(stepDir, 1));
    expect(() => lstatSync(`${stepDir}-reproduce-1`)).toThrow();
    expect(existsSync(join(elsewhere, 'cached.json'))).toBe(true);
    freshReproductionFolder(stepDir, 2);
    expect(existsSync(`${stepDir}-reproduce-2`)).toBe(false);
    expect(existsSync(stepDir)).toBe(true);
  });
});

describe('toleranceFromSpread', () => {
  it('is exact for a deterministic evaluator and ten times the spread for a stochastic one', () => {
    expect(relativeSpread(2, 2)).toBe(0);
    expect(relativeSpread(0, 0)).toBe(0);
    expect(relativeSpread(0.5, 0.4)).toBeCloseTo(0.2);
    expect(relativeSpread(-1, -0.5)).toBeCloseTo(0.5);
    expect(toleranceFromSpread(0)).toBe(exactTolerance);
    expect(toleranceFromSpread(1e-9)).toBe(exactTolerance);
    expect(toleranceFromSpread(0.01)).toBeCloseTo(0.1);
  });
});
