import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AsiEvolveError } from '../../errors.js';
import { runSandboxed, type EvaluationJob, type EvaluationOutcome } from '../../evaluation/index.js';
import { createScratch } from '../../evaluation/test-support/scratch.js';
import { scriptedModel } from '../test-support/fixtures.js';
import { createLlmDebugAgent, type DebugAgent } from './debug-agent.js';
import { errorTail, isRepairable, runDebugAttempts } from './repair-loop.js';
import { loadDebugTemplate } from './template.js';

const scratch = createScratch();
afterAll(() => scratch.cleanup());
const root = scratch.root;

/** Runs the candidate with python3 and scores the number it prints. */
const evaluator = 'value=$(python3 "$1") && echo "{\\"eval_score\\": $value}" > results.json';
function job(program: string): EvaluationJob {
  return scratch.job({ command: evaluator, program, sandbox: { mode: 'auto', network: false, readPaths: [] } });
}

const logs = { stdoutTail: '', stderrTail: '', truncated: false };
const failed = (
  reason: Extract<EvaluationOutcome, { status: 'failed' }>['reason'],
  shortMessage: string,
): EvaluationOutcome => ({
  status: 'failed',
  reason,
  shortMessage,
  exitCode: 1,
  signal: null,
  results: null,
  durationMs: 1,
  logs: { ...logs, stderrTail: 'Traceback\nZeroDivisionError: division by zero\n' },
});

describe('runDebugAttempts with a real evaluator', () => {
  it('repairs a scripted broken candidate: the node gets the fixed program and the repair history', async () => {
    const broken = 'import math\nprint(math.sqrt(16) + undefined_offset)\n';
    const first = job(broken);
    const outcome = await runSandboxed(first);
    expect(outcome).toMatchObject({ status: 'failed', reason: 'exit-code' });

    const model = scriptedModel([
      '<explanation>undefined_offset was never defined; use 0.5</explanation>\n<code>\nimport math\nprint(math.sqrt(16) + 0.5)\n</code>',
    ]);
    const agent = createLlmDebugAgent({ model, template: loadDebugTemplate(root), maxRetries: 1 });
    const evaluated: string[] = [];
    const result = await runDebugAttempts({
      agent,
      attempts: 2,
      task: 'Print a large number.',
      program: broken,
      outcome,
      evaluate: (program) => {
        evaluated.push(program);
        return runSandboxed({ ...first, program });
      },
    });

    expect(result.repaired).toBe(true);
    expect(result.outcome).toMatchObject({ status: 'ok', evalScore: 4.5 });
    expect(result.program).toBe('import math\nprint(math.sqrt(16) + 0.5)\n');
    expect(readFileSync(join(first.stepDir, 'program.py'), 'utf8')).toBe(result.program);
    expect(evaluated).toHaveLength(1);
    expect(result.repairs).toEqual([
      {
        attempt: 1,
        error: expect.stringContaining("NameError: name 'undefined_offset' is not defined"),
        program: result.program,
        explanation: 'undefined_offset was never defined; use 0.5',
        status: 'ok',
        score: 4.5,
        outcomeError: null,
      },
    ]);
    expect(model.calls[0]?.messages[0]?.content).toContain('Traceback (most recent call last)');
  });

  it('keeps every attempt when the repairs keep failing, ending with the last program', async () => {
    const first = job('print(1/0)\n');
    const outcome = await runSandboxed(first);
    const model = scriptedModel(['<code>print(2/0)</code>', '<code>print(3/0)</code>']);
    const agent = createLlmDebugAgent({ model, template: loadDebugTemplate(root), maxRetries: 0 });
    const result = await runDebugAttempts({
      agent,
      attempts: 2,
      task: 't',
      program: first.program,
      outcome,
      evaluate: (program) => runSandboxed({ ...first, program }),
    });
    expect(result.repaired).toBe(false);
    expect(result.program).toBe('print(3/0)');
    expect(result.repairs.map((record) => [record.attempt, record.status, record.program])).toEqual([
      [1, 'failed', 'print(2/0)'],
      [2, 'failed', 'print(3/0)'],
    ]);
    expect(result.repairs[1]?.outcomeError).toContain('ZeroDivisionError');
    expect(model.calls[1]?.messages[0]?.content).toContain('attempt 1 still failed');
  });
});

describe('runDebugAttempts: when not to repair', () => {
  const never = async (): Promise<EvaluationOutcome> => {
    throw new Error('must not evaluate');
  };
  const agent: DebugAgent = {
    name: 'throwing',
    repair: async () => {
      throw new AsiEvolveError('LLM_RESPONSE_INVALID', 'no usable program');
    },
  };

  it('records an agent that gives no program, and stops', async () => {
    const result = await runDebugAttempts({
      agent,
      attempts: 3,
      task: 't',
      program: 'p',
      outcome: failed('exit-code', 'exited with code 1'),
      evaluate: never,
    });
    expect(result.repairs).toEqual([
      expect.objectContaining({ attempt: 1, status: 'agent-error', program: '', outcomeError: 'no usable program' }),
    ]);
    expect(result.program).toBe('p');
  });

  it('throws what the caller calls fatal (a reached budget)', async () => {
    const budget: DebugAgent = {
      name: 'budget',
      repair: async () => {
        throw new AsiEvolveError('BUDGET_REACHED', 'budget reached');
      },
    };
    const isFatal = (error: unknown) => AsiEvolveError.isInstance(error) && error.code === 'BUDGET_REACHED';
    await expect(
      runDebugAttempts({
        agent: budget,
        attempts: 1,
        task: 't',
        program: 'p',
        outcome: failed('exit-code', 'x'),
        evaluate: never,
        isFatal,
      }),
    ).rejects.toThrow('budget reached');
  });

  it('does nothing with 0 attempts, a success, an abort, a lost job or a low stage score', async () => {
    for (const outcome of [
      failed('below-threshold', 'low'),
      failed('lost', 'worker gone'),
      failed('signal', 'aborted'),
    ]) {
      expect(isRepairable(outcome)).toBe(false);
      expect(
        (await runDebugAttempts({ agent, attempts: 2, task: 't', program: 'p', outcome, evaluate: never })).repairs,
      ).toEqual([]);
    }
    const result = await runDebugAttempts({
      agent,
      attempts: 0,
      task: 't',
      program: 'p',
      outcome: failed('timeout', 'timed out'),
      evaluate: never,
    });
    expect(result.repairs).toEqual([]);
  });

  it('shows the end of stderr, else stdout, with the evaluator log', () => {
    const outcome = failed('exit-code', 'x');
    expect(errorTail(outcome, 20)).toBe('ivisionError: division by zero\n'.slice(-20));
    const quiet = {
      ...outcome,
      logs: { stdoutTail: 'printed\n', stderrTail: '', truncated: false, logFileTail: 'epoch 3 diverged' },
    };
    expect(errorTail(quiet)).toBe('printed\n\n--- evaluator.log ---\nepoch 3 diverged');
  });
});
