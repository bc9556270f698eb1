import { afterAll, expect, it } from 'vitest';
import { runSandboxed, type EvaluationJob } from '../evaluation/index.js';
import { createScratch } from '../evaluation/test-support/scratch.js';
import { runExecutorCases } from './executor.case.test.js';
import type { Executor } from './executor.js';
import { trackRuns } from './tracked-runs.js';

// The "add an executor" recipe of CONTRIBUTING.md, followed for a toy one: an executor that keeps
// a journal of the step folders it evaluated, built on the shared bookkeeping, must pass the
// same contract suite as local, Slurm and the queue.
function createJournalExecutor(journal: string[]): Executor {
  const runs = trackRuns('The journal executor');
  return {
    name: 'journal',
    description: 'on this machine, one at a time, with a journal',
    run(job: EvaluationJob, options = {}) {
      return runs.start(options.abortSignal, async (abortSignal) => {
        journal.push(job.stepDir);
        return runSandboxed(job, { abortSignal });
      });
    },
    close: () => runs.close(),
  };
}

const scratch = createScratch();
afterAll(() => scratch.cleanup());
const journal: string[] = [];

runExecutorCases('journal (toy)', {
  create: () => createJournalExecutor(journal),
  job: (overrides) => scratch.job(overrides),
});

it('the toy executor saw every job the cases sent it', () => {
  expect(journal.length).toBeGreaterThan(0);
  expect(new Set(journal).size).toBe(journal.length);
});
