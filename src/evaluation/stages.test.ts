import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatFileSet } from '../domain/index.js';
import type { EvaluationJob, EvaluationOutcome } from './outcome.js';
import { runStages, stagesResultsKey, type EvaluationStage } from './stages.js';
import { createScratch } from './test-support/scratch.js';

const scratch = createScratch();
afterAll(() => scratch.cleanup());

const score = (value: number, extra = '') => `echo '{"eval_score": ${value}${extra}}' > results.json`;
const stage = (
  name: string,
  command: string,
  threshold: number | null = null,
  timeoutMs = 10_000,
): EvaluationStage => ({ name, command, timeoutMs, threshold });

describe('runStages', () => {
  it("runs every stage in order in the step folder; the outcome is the last stage's, with every stage kept", async () => {
    const job = scratch.job({});
    const outcome = await runStages(job, [
      stage('quick', `echo quick >> order.txt; echo "quick log"; ${score(0.5, ', "cases": 2')}`, 0.1),
      stage('full', `echo full >> order.txt; echo "full log"; ${score(2.5, ', "cases": 50')}`),
    ]);
    expect(outcome).toMatchObject({ status: 'ok', evalScore: 2.5 });
    expect(readFileSync(join(job.stepDir, 'order.txt'), 'utf8')).toBe('quick\nfull\n');
    expect(outcome.stages.map((result) => [result.name, result.status, result.evalScore])).toEqual([
      ['quick', 'passed', 0.5],
      ['full', 'passed', 2.5],
    ]);
    expect(outcome.status === 'ok' && outcome.results).toMatchObject({
      eval_score: 2.5,
      cases: 50,
      [stagesResultsKey]: {
        quick: { status: 'passed', eval_score: 0.5, threshold: 0.1, results: { cases: 2 } },
        full: { status: 'passed', eval_score: 2.5 },
      },
    });
    expect(outcome.logs.stdoutTail).toBe('=== stage quick ===\nquick log\n\n=== stage full ===\nfull log\n');
  });

  it('skips the later stages of a candidate below a threshold, and fails it as below-threshold', async () => {
    const job = scratch.job({});
    const outcome = await runStages(job, [
      stage('quick', score(0.05), 0.1),
      stage('full', `touch full-ran; ${score(3)}`),
    ]);
    expect(outcome).toMatchObject({ status: 'failed', reason: 'below-threshold' });
    expect(outcome.status === 'failed' && outcome.shortMessage).toBe(
      'stage "quick": scored 0.05, below the threshold 0.1; later stages skipped',
    );
    expect(outcome.stages.map((result) => result.status)).toEqual(['below-threshold', 'skipped']);
    expect(outcome.status === 'failed' && outcome.results).toMatchObject({
      eval_score: 0.05,
      [stagesResultsKey]: { full: { status: 'skipped' } },
    });
  });

  it("fails with the failing stage's reason, each stage with its own time limit", async () => {
    const outcome = await runStages(scratch.job({}), [
      stage('quick', score(1)),
      stage('full', 'sleep 5', null, 300),
      stage('extra', score(9)),
    ]);
    expect(outcome).toMatchObject({ status: 'failed', reason: 'timeout' });
    expect(outcome.status === 'failed' && outcome.shortMessage).toBe('stage "full": timed out after 0.3 s');
    expect(outcome.stages.map((result) => result.status)).toEqual(['passed', 'failed', 'skipped']);
  });

  it('returns the single run unchanged with one default stage, and with none', async () => {
    const job = scratch.job({ command: score(4) });
    const one = await runStages(job, [stage('evaluate', 'exit 2')]);
    expect(one.status === 'failed' && one.shortMessage).toBe('exited with code 2');
    const none = await runStages(job, []);
    expect(none).toMatchObject({ status: 'ok', evalScore: 4, results: { eval_score: 4 }, stages: [] });
  });

  it('runs through the given runner (an executor)', async () => {
    const seen: string[] = [];
    const run = async (job: EvaluationJob): Promise<EvaluationOutcome> => {
      seen.push(`${job.command}@${job.timeoutMs}`);
      return {
        status: 'ok',
        results: { eval_score: 1 },
        evalScore: 1,
        durationMs: 5,
        logs: { stdoutTail: '', stderrTail: '', truncated: false },
      };
    };
    const outcome = await runStages(
      scratch.job({}),
      [stage('a', 'first', null, 100), stage('b', 'second', null, 200)],
      run,
    );
    expect(seen).toEqual(['first@100', 'second@200']);
    expect(outcome.durationMs).toBe(10);
  });
});

describe('runStages with a multi-file job', () => {
  it('gives each stage a fresh workspace from the project (a later stage keeps what it needs in the step folder), none left after the last', async () => {
    const projectDir = join(scratch.root, 'staged-project');
    mkdirSync(projectDir, { recursive: true });
    writeFileSync(join(projectDir, 'model.sh'), 'WEIGHT=1\n');
    const job = scratch.job({ program: formatFileSet(new Map([['model.sh', 'WEIGHT=3\n']])), projectDir });
    const outcome = await runStages(job, [
      stage('build', `echo built > "$ASI_EVOLVE_WORKSPACE/artifact"; echo built > artifact; ${score(1)}`),
      stage(
        'score',
        'test -e "$ASI_EVOLVE_WORKSPACE/artifact" && exit 9; test -e artifact || exit 8; . "$ASI_EVOLVE_WORKSPACE/model.sh"; echo "{\\"eval_score\\": $WEIGHT}" > results.json',
      ),
    ]);
    expect(outcome).toMatchObject({ status: 'ok', evalScore: 3 });
    expect(existsSync(join(job.stepDir, 'workspace'))).toBe(false);
    expect(readFileSync(join(job.stepDir, 'files', 'model.sh'), 'utf8')).toBe('WEIGHT=3\n');
    expect(readdirSync(projectDir)).toEqual(['model.sh']);
  });
});
