import { describe, expect, it } from 'vitest';
import { AsiEvolveError } from '../errors.js';
import { reproductionAfterSeed, seedFailedError, seedRepeat, seedRepeatToJson } from './seed-check.js';

const derived = { count: 1, tolerance: 1e-6, toleranceFromSeed: true };
const metadataOf = (first: number, second: { score: number } | { error: string }) => ({
  seedRepeat: seedRepeatToJson(seedRepeat(first, second)),
});

describe('reproductionAfterSeed', () => {
  it('keeps the exact tolerance and says nothing when the seed scored the same twice', () => {
    expect(reproductionAfterSeed(derived, metadataOf(2, { score: 2 }))).toEqual({ settings: derived, notice: null });
  });

  it('derives the tolerance from a stochastic seed and reports the spread', () => {
    const after = reproductionAfterSeed(derived, metadataOf(0.5, { score: 0.49 }));
    expect(after.settings.tolerance).toBeCloseTo(0.2);
    expect(after.settings.toleranceFromSeed).toBe(false);
    expect(after.notice).toBe(
      'The evaluator is stochastic: the seed scored 0.5 and then 0.49 (a spread of 2 %); a new best must reproduce within 20 % (ten times the spread; evaluator.reproduce.tolerance sets it).',
    );
  });

  it('keeps a configured tolerance, and warns when the spread exceeds it', () => {
    const configured = { count: 1, tolerance: 0.001 };
    const after = reproductionAfterSeed(configured, metadataOf(0.5, { score: 0.49 }));
    expect(after.settings).toBe(configured);
    expect(after.notice).toContain(
      'more than evaluator.reproduce.tolerance (0.001): most new bests will fail to reproduce',
    );
    expect(reproductionAfterSeed({ count: 1, tolerance: 0.5 }, metadataOf(0.5, { score: 0.49 })).notice).toContain(
      'within evaluator.reproduce.tolerance (0.5)',
    );
  });

  it('names a second seed run that failed, and does nothing without reproduction or a record', () => {
    const flaky = reproductionAfterSeed(derived, metadataOf(3, { error: 'timeout: timed out after 2 s' }));
    expect(flaky.settings).toBe(derived);
    expect(flaky.notice).toBe(
      'The seed scored 3, but its second evaluation failed (timeout: timed out after 2 s): the evaluator may be flaky, and new bests may fail to reproduce.',
    );
    expect(reproductionAfterSeed({ ...derived, count: 0 }, metadataOf(0.5, { score: 0.4 })).notice).toBeNull();
    expect(reproductionAfterSeed(derived, {}).notice).toBeNull();
  });
});

describe('seedFailedError', () => {
  it('gives the reason, the end of stderr and the way to go on anyway', () => {
    const stderr = Array.from({ length: 20 }, (_, index) => `line ${index + 1}`).join('\n');
    const error = seedFailedError(
      { error: 'exit-code: exited with code 1: line 20', stderrTail: `${stderr}\n` },
      { stepDir: '/e/steps/step_0', sandbox: undefined },
    );
    expect(AsiEvolveError.isInstance(error) && error.isUserError).toBe(true);
    expect(error.code).toBe('SEED_FAILED');
    const lines = error.message.split('\n');
    expect(lines[0]).toBe(
      "the seed (the experiment's initial program) failed its evaluation, so the run stops before any LLM call: exit-code: exited with code 1: line 20",
    );
    expect(lines.slice(1)).toEqual([
      '  evaluator stderr (last 15 lines):',
      ...Array.from({ length: 15 }, (_, index) => `    line ${index + 6}`),
    ]);
    expect(error.hint).toContain('pipeline.allow_failing_seed: true or pass --allow-failing-seed');
    expect(error.hint).toContain('/e/steps/step_0');
  });
});
