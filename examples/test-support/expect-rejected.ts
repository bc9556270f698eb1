import { expect } from 'vitest';
import type { EvaluatorRun } from './run-evaluator.js';

/** A program the evaluator must reject: a label for failure messages, the program, and the reason its error must match. */
export type RejectedCase = readonly [label: string, program: string, reason: RegExp];

/**
 * Scores every case at once and checks that each was scored (exit 0) as a failure with
 * `eval_score` 0 and an `error` matching its reason.
 * @example await expectEachRejected(brokenCases, (program) => score(program, quick));
 */
export async function expectEachRejected(
  cases: readonly RejectedCase[],
  score: (program: string) => Promise<EvaluatorRun>,
): Promise<void> {
  const runs = await Promise.all(cases.map(([, program]) => score(program)));
  for (const [index, [label, , reason]] of cases.entries()) {
    const run = runs[index]!;
    expect(run.exitCode, label).toBe(0);
    expect(run.results, label).toMatchObject({ success: false, eval_score: 0 });
    expect(run.results?.error, label).toMatch(reason);
  }
}
