import { describe, expect, it } from 'vitest';
import { describeProcessFailure, errorSummary, failureDetail } from './classify.js';
import type { ProcessGroupExit } from './run-process-group.js';

const exit = (overrides: Partial<ProcessGroupExit>): ProcessGroupExit => ({
  exitCode: 0,
  signal: null,
  termination: null,
  durationMs: 10,
  groupGone: true,
  ...overrides,
});
const context = { timeoutMs: 30_000, limits: {}, stdoutTail: '', stderrTail: '' };

describe('describeProcessFailure', () => {
  it('leaves a clean exit to the results file', () => {
    expect(describeProcessFailure(exit({}), context)).toBeNull();
  });

  it('recognises the CPU-time and file-size limits behind a shell or namespace launcher (exit code 128 + n)', () => {
    const cpu = describeProcessFailure(exit({ exitCode: 152 }), { ...context, limits: { cpuSeconds: 2 } });
    expect(cpu).toEqual({ reason: 'timeout', shortMessage: 'exceeded the CPU-time limit of 2 s (SIGXCPU)' });
    const file = describeProcessFailure(exit({ exitCode: 153 }), context);
    expect(file?.shortMessage).toBe('exceeded the file-size limit (SIGXFSZ)');
  });

  it('names the timeout before anything else', () => {
    const failure = describeProcessFailure(exit({ termination: 'timeout', exitCode: null, signal: 'SIGTERM' }), {
      ...context,
      timeoutMs: 1500,
    });
    expect(failure).toEqual({ reason: 'timeout', shortMessage: 'timed out after 1.5 s' });
  });

  it('recognises running out of memory from the end of stderr', () => {
    const failure = describeProcessFailure(exit({ exitCode: null, signal: 'SIGKILL' }), {
      ...context,
      limits: { memoryBytes: 2 * 1024 ** 3 },
      stderrTail: 'loading\nterminate called after throwing an instance of std::bad_alloc\n',
    });
    expect(failure?.reason).toBe('memory');
    expect(failure?.shortMessage).toMatch(/^ran out of memory \(limit 2 GiB per process\): terminate called/);
  });

  it('reports other signals by name with the last stderr line', () => {
    const failure = describeProcessFailure(exit({ exitCode: null, signal: 'SIGSEGV' }), {
      ...context,
      stderrTail: 'segfault at 0\n\n',
    });
    expect(failure).toEqual({ reason: 'signal', shortMessage: 'killed by SIGSEGV: segfault at 0' });
  });

  it('explains a shell exit code above 128, and falls back to stdout for the detail', () => {
    const failure = describeProcessFailure(exit({ exitCode: 137 }), { ...context, stdoutTail: 'step 3 of 10\n' });
    expect(failure).toEqual({
      reason: 'exit-code',
      shortMessage: 'exited with code 137 (a child was killed by SIGKILL): step 3 of 10',
    });
  });
});

describe('errorSummary', () => {
  it("finds Node's error above its stack and runtime banner, never the banner alone", () => {
    const stderr = [
      'node:internal/modules/cjs/loader:1228',
      '  throw err;',
      '  ^',
      '',
      "Error: Cannot find module '/work/exp/scorers.js'",
      'Require stack:',
      '- /work/exp/evaluate.js',
      '    at Module._resolveFilename (node:internal/modules/cjs/loader:1225:15)',
      '    at node:internal/main/run_main_module:28:49 {',
      "  code: 'MODULE_NOT_FOUND',",
      '}',
      '',
      'Node.js v20.20.2',
      '',
    ].join('\n');
    const summary = errorSummary(stderr);
    expect(summary).toBe("Error: Cannot find module '/work/exp/scorers.js' … - /work/exp/evaluate.js");
    expect(summary).not.toContain('Node.js v20');
  });

  it("gives a Python traceback's exception, not its header", () => {
    const stderr =
      'Traceback (most recent call last):\n  File "/e/evaluator.py", line 3, in <module>\n    import numpyx\nModuleNotFoundError: No module named \'numpyx\'\n';
    expect(errorSummary(stderr)).toBe("ModuleNotFoundError: No module named 'numpyx'");
    expect(errorSummary('Traceback (most recent call last):\n  File "e.py", line 1\nKeyError: \'points\'\n')).toBe(
      "KeyError: 'points'",
    );
  });

  it('joins the first error line and the last line when they differ, and keeps a plain last line', () => {
    expect(
      errorSummary('warning: slow\nerror: bad input on line 3\nwriting partial results\ngave up after 3 tries\n'),
    ).toBe('error: bad input on line 3 … gave up after 3 tries');
    expect(errorSummary('a\nb\n\n  \n')).toBe('b');
    expect(errorSummary(`${'x'.repeat(300)}\n`)).toHaveLength(200);
    expect(errorSummary('Node.js v20.20.2\n')).toBe('');
  });
});

describe('failureDetail', () => {
  it("prefers the results file's error, then stderr, then stdout", () => {
    expect(failureDetail({ resultsError: 'need 16 points', stdoutTail: '', stderrTail: 'Error: x' })).toBe(
      'need 16 points',
    );
    expect(failureDetail({ resultsError: null, stdoutTail: 'out', stderrTail: 'Error: x\n' })).toBe('Error: x');
    expect(failureDetail({ stdoutTail: 'step 3 of 10\n', stderrTail: 'Node.js v20.20.2\n' })).toBe('step 3 of 10');
  });
});
