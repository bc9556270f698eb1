import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { cliEnv, repoRoot } from '../e2e/helpers.js';

/** A finished CLI run and its peak resident memory. */
export interface MeasuredRun {
  code: number | null;
  stdout: string;
  /** The CLI's own stderr, without the report of `/usr/bin/time`. */
  stderr: string;
  peakMb: number;
}

/**
 * Runs `asi-evolve ...args` under `/usr/bin/time -v` (asynchronously, so that a loopback server
 * of the test keeps answering) and reads its peak resident memory from the report.
 */
export function runMeasured(
  args: readonly string[],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<MeasuredRun> {
  const child = spawn('/usr/bin/time', ['-v', process.execPath, join(repoRoot, 'bin', 'asi-evolve.js'), ...args], {
    env: options.env ?? cliEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      const kilobytes = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1];
      if (kilobytes === undefined) {
        reject(new Error(`no memory figure from /usr/bin/time in:\n${stderr}`));
        return;
      }
      const report = stderr.search(/(Command exited with non-zero status \d+\n)?\tCommand being timed:/);
      resolve({
        code,
        stdout,
        stderr: report >= 0 ? stderr.slice(0, report) : stderr,
        peakMb: Number(kilobytes) / 1024,
      });
    });
  });
}
