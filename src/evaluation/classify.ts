import { constants } from 'node:os';
import type { FailureReason, ResourceLimits } from './outcome.js';
import { formatBytes } from './limits.js';
import type { ProcessGroupExit } from './run-process-group.js';

/** The reason and the one line for people, for a run that failed before its results count. */
export interface ProcessFailure {
  reason: FailureReason;
  shortMessage: string;
}

const memoryPattern =
  /MemoryError|Cannot allocate memory|bad_alloc|out of memory|OutOfMemoryError|heap out of memory|failed to allocate|allocation failed|ENOMEM/i;
const memoryScanBytes = 8_192;

/** Lines that say something went wrong, in any common runtime's words. */
const errorLinePattern = /error|exception|traceback|panic|fatal|no such file|not found|cannot |can't |denied/i;
/** Python's header line: error-looking but says nothing; its exception is on the last line. */
const tracebackHeader = /^Traceback \(most recent call last\):?$/;
/**
 * Lines that never explain anything: runtime version banners, stack frames, carets, lone
 * brackets, and the fields Node prints after an error (`code: 'MODULE_NOT_FOUND',`).
 */
const noiseLinePattern =
  /^(Node\.js v\d[\w.-]*|Python \d[\w.]*|Deno \d[\w.]*|Bun v?\d[\w.]*|at .+|File ".+", line \d+.*|\^+|~+|[{}()[\],;]+|[a-z]\w*: (\[.*\]|'.*'|".*"|-?\d+|true|false|null|undefined),?)$/;

function shorten(line: string, limit = 200): string {
  return line.length > limit ? `${line.slice(0, limit - 3)}...` : line;
}

/**
 * What a failed run's output says went wrong, in one line: the first error-looking line (error,
 * exception, panic, no such file, …) and the last meaningful line, never a bare runtime banner
 * such as `Node.js v20.20.2` nor a stack frame. Empty when the text has nothing to say.
 *
 * @example errorSummary("Error: Cannot find module './a.js'\n    at x (y.js:1:1)\n\nNode.js v20.20.2\n")
 * // "Error: Cannot find module './a.js'"
 */
export function errorSummary(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !noiseLinePattern.test(line));
  const last = lines.at(-1);
  if (last === undefined) return '';
  const first = lines.find((line) => errorLinePattern.test(line) && !tracebackHeader.test(line));
  if (first === undefined || first === last) return shorten(last);
  return `${shorten(first)} … ${shorten(last)}`;
}

/**
 * The most useful account of a failure: the `error` of the evaluator's results file when it
 * wrote one, else {@link errorSummary} of stderr, else of stdout.
 */
export function failureDetail(context: {
  resultsError?: string | null;
  stdoutTail: string;
  stderrTail: string;
}): string {
  if (context.resultsError) return context.resultsError;
  return errorSummary(context.stderrTail) || errorSummary(context.stdoutTail);
}

function seconds(milliseconds: number): string {
  return `${Number((milliseconds / 1000).toFixed(3))} s`;
}

function signalName(number: number): string | undefined {
  return Object.entries(constants.signals).find(([, value]) => value === number)?.[0];
}

function withDetail(message: string, detail: string): string {
  return detail.length > 0 ? `${message}: ${detail}` : message;
}

/**
 * Says why a run failed from how its process ended, or null when it exited with 0 and its
 * results file decides. Out-of-memory is recognised, best effort, from the end of stderr.
 * The detail is {@link failureDetail}: the results file's `error`, else what stderr says.
 */
export function describeProcessFailure(
  exit: ProcessGroupExit,
  context: {
    timeoutMs: number;
    limits: ResourceLimits;
    stdoutTail: string;
    stderrTail: string;
    resultsError?: string | null;
  },
): ProcessFailure | null {
  if (exit.termination === 'timeout')
    return { reason: 'timeout', shortMessage: `timed out after ${seconds(context.timeoutMs)}` };
  if (exit.termination === 'abort') return { reason: 'signal', shortMessage: 'aborted' };
  if (exit.exitCode === 0) return null;

  const detail = failureDetail(context);
  const stderrEnd = context.stderrTail.slice(-memoryScanBytes);
  if (memoryPattern.test(stderrEnd)) {
    const limit =
      context.limits.memoryBytes === undefined ? '' : ` (limit ${formatBytes(context.limits.memoryBytes)} per process)`;
    return { reason: 'memory', shortMessage: withDetail(`ran out of memory${limit}`, detail) };
  }
  // A shell or a namespace launcher reports a child killed by a signal as exit code 128 + n.
  const childSignal = exit.exitCode !== null && exit.exitCode > 128 ? signalName(exit.exitCode - 128) : undefined;
  const limitSignal = exit.signal ?? childSignal;
  if (limitSignal === 'SIGXCPU') {
    const limit = context.limits.cpuSeconds === undefined ? '' : ` of ${context.limits.cpuSeconds} s`;
    return { reason: 'timeout', shortMessage: `exceeded the CPU-time limit${limit} (SIGXCPU)` };
  }
  if (limitSignal === 'SIGXFSZ') {
    const limit = context.limits.fileSizeBytes === undefined ? '' : ` of ${formatBytes(context.limits.fileSizeBytes)}`;
    return { reason: 'signal', shortMessage: `exceeded the file-size limit${limit} (SIGXFSZ)` };
  }
  if (exit.signal !== null) return { reason: 'signal', shortMessage: withDetail(`killed by ${exit.signal}`, detail) };
  if (exit.exitCode === null) return { reason: 'signal', shortMessage: 'did not exit after SIGKILL' };

  const byShell = exit.exitCode > 128 ? signalName(exit.exitCode - 128) : undefined;
  const code = byShell === undefined ? `${exit.exitCode}` : `${exit.exitCode} (a child was killed by ${byShell})`;
  return { reason: 'exit-code', shortMessage: withDetail(`exited with code ${code}`, detail) };
}
