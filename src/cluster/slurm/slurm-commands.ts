import { execFile } from 'node:child_process';
import { parseJobStates, parsePendingReasons } from './job-states.js';

export interface CommandResult {
  /** Null when the command could not start or was killed at its time limit. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Why it could not start (`spawn sbatch ENOENT`) or was killed, if so. */
  failure: string | null;
}

/** Runs a Slurm client command without a shell; never throws. */
export function runSlurmCommand(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve({ code: 0, stdout, stderr, failure: null });
          return;
        }
        const code = typeof error.code === 'number' ? error.code : null;
        const failure = code === null ? (error.killed ? `killed after ${timeoutMs / 1000} s` : error.message) : null;
        resolve({ code, stdout, stderr, failure });
      },
    );
  });
}

/** A command's failure in one line: its stderr (or why it did not run) and its exit code. */
export function describeFailure(command: string, result: CommandResult): string {
  const said = result.stderr.trim().split('\n').slice(-3).join(' / ');
  if (result.failure !== null) return `${command} ${result.failure}${said ? `: ${said}` : ''}`;
  return `${command} failed (exit code ${result.code})${said ? `: ${said}` : ''}`;
}

export interface StatesQuery {
  /** id → state for the jobs Slurm knows. */
  states: Map<string, string>;
  /** id → why a pending job waits, as squeue says. */
  pendingReasons: Map<string, string>;
  /** True when a job missing from `states` is known to be gone: squeue and sacct (if kept) both answered without it. */
  forgottenAreGone: boolean;
  /** Set when squeue could not answer (no controller): nothing can be concluded this time. */
  error: string | null;
}

/**
 * The states of `jobIds` in one squeue call (`--states=all` lists ended jobs the controller
 * still remembers, as `scontrol show job` would), then one sacct call for those it forgot,
 * unless `sacctAvailable` says the cluster keeps no accounting.
 */
export async function queryJobStates(
  jobIds: readonly string[],
  env: NodeJS.ProcessEnv,
  sacct: { available: boolean; onUnavailable: () => void },
): Promise<StatesQuery> {
  const list = jobIds.join(',');
  const squeue = await runSlurmCommand(
    'squeue',
    ['--noheader', '--states=all', `--jobs=${list}`, '--format=%i|%T|%r'],
    env,
  );
  // squeue fails with "Invalid job id specified" when it knows none of the jobs: that is an answer.
  const knowsNone = squeue.code === 1 && /invalid job id/i.test(squeue.stderr);
  if (squeue.code !== 0 && !knowsNone)
    return {
      states: new Map(),
      pendingReasons: new Map(),
      forgottenAreGone: false,
      error: describeFailure('squeue', squeue),
    };
  const states = parseJobStates(knowsNone ? '' : squeue.stdout);
  const pendingReasons = parsePendingReasons(knowsNone ? '' : squeue.stdout);
  const forgotten = jobIds.filter((id) => !states.has(id));
  if (forgotten.length === 0 || !sacct.available)
    return { states, pendingReasons, forgottenAreGone: true, error: null };

  const accounting = await runSlurmCommand(
    'sacct',
    ['--noheader', '--allocations', '--parsable2', `--jobs=${forgotten.join(',')}`, '--format=JobID,State'],
    env,
  );
  if (
    /accounting storage is disabled/i.test(accounting.stdout + accounting.stderr) ||
    accounting.failure?.includes('ENOENT')
  ) {
    sacct.onUnavailable();
    return { states, pendingReasons, forgottenAreGone: true, error: null };
  }
  // A failing sacct (slurmdbd down) tells nothing: the forgotten jobs stay unknown, not lost.
  if (accounting.code !== 0) return { states, pendingReasons, forgottenAreGone: false, error: null };
  for (const [id, state] of parseJobStates(accounting.stdout)) states.set(id, state);
  return { states, pendingReasons, forgottenAreGone: true, error: null };
}
