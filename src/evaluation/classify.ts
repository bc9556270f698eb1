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

/** The last non-empty line of a text, trimmed to 200 characters. */
export function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  const line = lines.reverse().find((candidate) => candidate.length > 0) ?? '';
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
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
 */
export function describeProcessFailure(
  exit: ProcessGroupExit,
  context: { timeoutMs: number; limits: ResourceLimits; stdoutTail: string; stderrTail: string },
): ProcessFailure | null {
  if (exit.termination === 'timeout') return { reason: 'timeout', shortMessage: `timed out after ${seconds(context.timeoutMs)}` };
  if (exit.termination === 'abort') return { reason: 'signal', shortMessage: 'aborted' };
  if (exit.exitCode === 0) return null;

  const detail = lastLine(context.stderrTail) || lastLine(context.stdoutTail);
  const stderrEnd = context.stderrTail.slice(-memoryScanBytes);
  if (memoryPattern.test(stderrEnd)) {
    const limit = context.limits.memoryBytes === undefined ? '' : ` (limit ${formatBytes(context.limits.memoryBytes)} per process)`;
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
