import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AsiEvolveError } from '../../errors.js';
import type { EvaluationJob, EvaluationOutcome } from '../../evaluation/index.js';
import type { Executor } from '../executor.js';
import { trackRuns } from '../tracked-runs.js';
import { abortedOutcome, judgeJob, lostOutcome, type JobVerdict } from './job-states.js';
import { describeFailure, queryJobStates, runSlurmCommand } from './slurm-commands.js';
import {
  batchScript,
  defaultTimeLimitMinutes,
  highestAttempt,
  parseJobId,
  sbatchArguments,
  stepLabel,
  submissionEnvironment,
  submissionFiles,
  type SlurmJobSettings,
  type SubmissionFiles,
} from './submission.js';

export interface SlurmExecutorOptions extends SlurmJobSettings {
  /** Absolute folder for job descriptions, batch scripts, outcomes and Slurm's output; compute nodes must share it. */
  workDir: string;
  /** Resubmissions of a lost job (node failure, preemption, cancelled by someone else) before its outcome is a failed `lost`. Default 2. */
  maxRetries?: number;
  /** Between two polls of the jobs' states (one squeue call for all). Default 2000. */
  pollIntervalMs?: number;
  /** The environment of sbatch, squeue, sacct and scancel (SLURM_CONF, PATH…); default this process's. Jobs never inherit it. */
  env?: NodeJS.ProcessEnv;
  /** The command that starts asi-evolve on a compute node; default this node executable and this package's bin/asi-evolve.js. */
  runner?: readonly string[];
  /** How long a job that ended as if it ran may take to show its outcome file (a shared filesystem can lag). Default 30 000. */
  outcomeGraceMs?: number;
  /** How long squeue may keep failing (no controller) before the runs waiting on it fail. Default 300 000. */
  controllerTimeoutMs?: number;
  /** Told once per job that it is still pending after `pendingNoticeMs`, with squeue's reason, so a run never waits in silence. */
  notify?: (message: string) => void;
  /** @default 300 000 */
  pendingNoticeMs?: number;
}

/** node + this package's launcher: `dist/cluster/slurm/` and `src/cluster/slurm/` are both three folders below it. */
export function defaultRunner(): string[] {
  return [process.execPath, fileURLToPath(new URL('../../../bin/asi-evolve.js', import.meta.url))];
}

type WatchResult = JobVerdict | { kind: 'aborted' };

interface Watch {
  jobId: string;
  files: SubmissionFiles;
  submittedAt: number;
  timeLimitMinutes: number;
  /** When the job first looked ended without an outcome file. */
  missingOutcomeSince: number | null;
  /** The step folder's name, for notices. */
  label: string;
  /** Whether the user was told that this job is still pending. */
  pendingNoticed: boolean;
  settle(result: WatchResult): void;
  fail(error: AsiEvolveError): void;
}

function readOutcome(path: string): EvaluationOutcome | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const value = JSON.parse(text) as EvaluationOutcome;
    return value.status === 'ok' || value.status === 'failed' ? value : null;
  } catch {
    return null;
  }
}

function fileTail(path: string, characters: number): string {
  try {
    return readFileSync(path, 'utf8').trim().slice(-characters);
  } catch {
    return '';
  }
}

function checkOptions(options: SlurmExecutorOptions): void {
  const positive = (name: string, value: number | undefined, allowZero = false): void => {
    if (value !== undefined && (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0))) {
      throw new AsiEvolveError(
        'USAGE',
        `Expected \`${name}\` to be a ${allowZero ? 'non-negative' : 'positive'} number, got ${value}`,
      );
    }
  };
  if (!options.workDir) throw new AsiEvolveError('USAGE', 'Expected `workDir` to be a folder path');
  if (options.maxRetries !== undefined && !Number.isInteger(options.maxRetries)) {
    throw new AsiEvolveError(
      'USAGE',
      `Expected \`maxRetries\` to be a non-negative integer, got ${options.maxRetries}`,
    );
  }
  positive('maxRetries', options.maxRetries, true);
  positive('pollIntervalMs', options.pollIntervalMs);
  positive('outcomeGraceMs', options.outcomeGraceMs, true);
  positive('controllerTimeoutMs', options.controllerTimeoutMs);
  if (options.runner !== undefined && options.runner.length === 0)
    throw new AsiEvolveError('USAGE', 'Expected `runner` to name a command');
}

/**
 * An executor that runs each evaluation as a Slurm batch job (docs/architecture.md, “Beyond one machine”). Per run it writes
 * `job-<step>-<attempt>.json` and a batch script in `workDir`, submits them with sbatch, and
 * watches all jobs in flight with one squeue call per poll (sacct for jobs the controller has
 * forgotten, when the cluster keeps accounting). The job runs `asi-evolve evaluate-job`, so the
 * evaluation is contained, limited and judged exactly as on this machine.
 *
 * - A job ended by the cluster (NODE_FAIL, PREEMPTED, BOOT_FAIL, cancelled by someone else,
 *   forgotten without an outcome) is resubmitted up to `maxRetries` times, then its outcome is
 *   a failed `lost` naming the job and its state.
 * - Slurm's time limit (TIMEOUT) gives a failed `timeout`; OUT_OF_MEMORY a failed `memory`.
 * - run() throws EXECUTOR_UNAVAILABLE when sbatch refuses the job (no controller, a bad
 *   partition), when the controller stays unreachable, or when a job ends without writing its
 *   outcome (a compute node without the coordinator's paths).
 * - Abort: the job is scancelled and run() resolves at once with `signal`, "aborted".
 *   close() does that for every job in flight and waits for the cancellations.
 *
 * @example
 * const executor = createSlurmExecutor({ workDir: '/shared/exp/.slurm', partition: 'gpu', gres: 'gpu:1' });
 * const outcome = await executor.run(job);
 * await executor.close();
 */
/** The run-start line: what each job asks Slurm for, where its files go, how lost jobs are handled. */
function describeSlurm(options: SlurmExecutorOptions, maxRetries: number): string {
  const asks = [
    options.partition ? `partition ${options.partition}` : 'the default partition',
    options.account ? `account ${options.account}` : null,
    options.qos ? `qos ${options.qos}` : null,
    options.gres ? `gres ${options.gres}` : null,
    options.cpusPerTask ? `${options.cpusPerTask} CPU(s)` : null,
    options.mem ? `mem ${options.mem}` : null,
    options.timeLimitMinutes ? `time limit ${options.timeLimitMinutes} min` : 'time limit from the evaluator timeout',
    ...(options.extraArgs ?? []),
  ].filter((part): part is string => part !== null);
  return `Slurm batch jobs (${asks.join(', ')}; job files in ${options.workDir}); a lost job is resubmitted up to ${maxRetries} time(s)`;
}

export function createSlurmExecutor(options: SlurmExecutorOptions): Executor {
  checkOptions(options);
  const maxRetries = options.maxRetries ?? 2;
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  const outcomeGraceMs = options.outcomeGraceMs ?? 30_000;
  const controllerTimeoutMs = options.controllerTimeoutMs ?? 300_000;
  const pendingNoticeMs = options.pendingNoticeMs ?? 300_000;
  const runner = options.runner ?? defaultRunner();
  const workDir = options.workDir;
  const env = (): NodeJS.ProcessEnv => options.env ?? process.env;

  const runs = trackRuns('The Slurm executor');
  const cancellations = new Set<Promise<unknown>>();
  const watches = new Map<string, Watch>();
  const attempts = new Map<string, number>();
  let pollTimer: NodeJS.Timeout | null = null;
  let sacctAvailable = true;
  let squeueFailingSince: number | null = null;

  function nextAttempt(label: string): number {
    let existing: string[] = [];
    try {
      existing = readdirSync(workDir);
    } catch {
      // no work folder yet
    }
    const attempt = Math.max(highestAttempt(existing, label), attempts.get(label) ?? 0) + 1;
    attempts.set(label, attempt);
    return attempt;
  }

  function writeSubmission(job: EvaluationJob): { files: SubmissionFiles; label: string; attempt: number } {
    const label = stepLabel(job);
    try {
      mkdirSync(workDir, { recursive: true });
      // --chdir needs the step folder to exist when the job starts.
      mkdirSync(job.stepDir, { recursive: true });
      const attempt = nextAttempt(label);
      const files = submissionFiles(workDir, label, attempt);
      rmSync(files.outcome, { force: true });
      writeFileSync(files.job, `${JSON.stringify(job)}\n`);
      writeFileSync(files.script, batchScript(runner, files, label, attempt));
      chmodSync(files.script, 0o755);
      return { files, label, attempt };
    } catch (error) {
      throw new AsiEvolveError(
        'EXECUTOR_UNAVAILABLE',
        `Could not write the Slurm job files in ${workDir}: ${(error as Error).message}`,
        {
          cause: error,
          file: workDir,
          hint: 'cluster.slurm.work_dir must be a folder this user can write, on a filesystem the compute nodes share.',
        },
      );
    }
  }

  async function submit(
    job: EvaluationJob,
  ): Promise<{ jobId: string; files: SubmissionFiles; timeLimitMinutes: number }> {
    const { files, label } = writeSubmission(job);
    const args = sbatchArguments(options, job, files);
    const result = await runSlurmCommand('sbatch', args, submissionEnvironment(env()));
    const jobId = result.code === 0 ? parseJobId(result.stdout) : null;
    if (jobId === null) {
      const notFound = result.failure?.includes('ENOENT') === true;
      const why =
        result.code === 0
          ? `sbatch printed no job id: ${JSON.stringify(result.stdout.trim())}`
          : describeFailure('sbatch', result);
      throw new AsiEvolveError(
        'EXECUTOR_UNAVAILABLE',
        `Could not submit the evaluation of step ${label} to Slurm: ${why}`,
        {
          file: files.script,
          hint: notFound
            ? 'sbatch was not found: run the coordinator where the Slurm client commands are on PATH (a login node), or set cluster.executor: local.'
            : 'Check cluster.slurm (partition, account, qos, gres, mem, extra_args) against `sinfo`, and that slurmctld answers (`squeue`).',
        },
      );
    }
    return { jobId, files, timeLimitMinutes: options.timeLimitMinutes ?? defaultTimeLimitMinutes(job) };
  }

  function cancel(jobIds: readonly string[]): void {
    const cancellation = runSlurmCommand('scancel', [...jobIds], env());
    cancellations.add(cancellation);
    void cancellation.finally(() => cancellations.delete(cancellation));
  }

  function schedulePoll(): void {
    if (pollTimer === null && watches.size > 0) pollTimer = setTimeout(() => void poll(), pollIntervalMs);
  }

  async function poll(): Promise<void> {
    try {
      await pollOnce();
    } catch (error) {
      // A bug here must not leave runs waiting forever.
      const failure = new AsiEvolveError(
        'EXECUTOR_UNAVAILABLE',
        `Watching the Slurm jobs failed: ${(error as Error).message}`,
        { cause: error },
      );
      for (const each of [...watches.values()]) each.fail(failure);
    } finally {
      pollTimer = null;
      schedulePoll();
    }
  }

  async function pollOnce(): Promise<void> {
    const ids = [...watches.keys()];
    if (ids.length === 0) return;
    const query = await queryJobStates(ids, env(), {
      available: sacctAvailable,
      onUnavailable: () => (sacctAvailable = false),
    });
    const now = Date.now();
    if (query.error !== null) {
      squeueFailingSince ??= now;
      if (now - squeueFailingSince >= controllerTimeoutMs) {
        const error = new AsiEvolveError(
          'EXECUTOR_UNAVAILABLE',
          `Slurm stopped answering for ${Math.round((now - squeueFailingSince) / 1000)} s: ${query.error}`,
          {
            hint: 'Check that slurmctld is up (`squeue`, `scontrol ping`) and that SLURM_CONF points at the cluster.',
          },
        );
        for (const each of [...watches.values()]) each.fail(error);
      }
      return;
    }
    squeueFailingSince = null;
    for (const id of ids) {
      const watched = watches.get(id);
      if (watched === undefined) continue; // aborted while squeue ran
      const state = query.states.get(id) ?? null;
      if (state === 'PENDING' && !watched.pendingNoticed && now - watched.submittedAt >= pendingNoticeMs) {
        watched.pendingNoticed = true;
        const reason = query.pendingReasons.get(id);
        options.notify?.(
          `${watched.label}: Slurm job ${id} has been pending for ${Math.round((now - watched.submittedAt) / 60_000)} min${reason ? ` (squeue: ${reason})` : ''}; the run waits for it`,
        );
      }
      if (state === null && !query.forgottenAreGone) continue;
      const verdict = judgeJob({
        jobId: id,
        state,
        outcome: readOutcome(watched.files.outcome),
        timeLimitMinutes: watched.timeLimitMinutes,
        durationMs: now - watched.submittedAt,
      });
      if (verdict.kind === 'running') continue;
      // An ended or forgotten job's outcome file may show up late on a shared filesystem.
      if (verdict.kind === 'no-outcome' || (verdict.kind === 'lost' && state === null)) {
        watched.missingOutcomeSince ??= now;
        if (now - watched.missingOutcomeSince < outcomeGraceMs) continue;
      }
      if (verdict.kind === 'no-outcome') watched.fail(noOutcomeError(watched, verdict.state));
      else watched.settle(verdict);
    }
  }

  function noOutcomeError(watch: Watch, state: string): AsiEvolveError {
    const said = fileTail(watch.files.stderr, 600) || fileTail(watch.files.stdout, 600);
    return new AsiEvolveError(
      'EXECUTOR_UNAVAILABLE',
      `Slurm job ${watch.jobId} ended (${state}) without writing ${watch.files.outcome}${said ? `; its output: ${said.replaceAll('\n', ' / ')}` : ''}`,
      {
        file: watch.files.stderr,
        hint: `Compute nodes must have the coordinator's paths (${runner.join(' ')}, and ${workDir}) on a shared filesystem; see ${watch.files.stdout} and ${watch.files.stderr}.`,
      },
    );
  }

  function watch(
    submission: { jobId: string; files: SubmissionFiles; timeLimitMinutes: number },
    label: string,
    signal: AbortSignal,
  ): Promise<WatchResult> {
    return new Promise((resolve, reject) => {
      const { jobId } = submission;
      const onAbort = (): void => {
        watches.delete(jobId);
        cancel([jobId]);
        resolve({ kind: 'aborted' });
      };
      const forget = (): void => {
        watches.delete(jobId);
        signal.removeEventListener('abort', onAbort);
      };
      watches.set(jobId, {
        ...submission,
        submittedAt: Date.now(),
        missingOutcomeSince: null,
        label,
        pendingNoticed: false,
        settle: (result) => {
          forget();
          resolve(result);
        },
        fail: (error) => {
          forget();
          reject(error);
        },
      });
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      schedulePoll();
    });
  }

  async function evaluate(job: EvaluationJob, signal: AbortSignal): Promise<EvaluationOutcome> {
    const started = Date.now();
    for (let resubmissions = 0; ; resubmissions++) {
      if (signal.aborted) return abortedOutcome(Date.now() - started);
      const submission = await submit(job);
      const result = await watch(submission, basename(job.stepDir), signal);
      if (result.kind === 'aborted') return abortedOutcome(Date.now() - started);
      if (result.kind === 'done') return result.outcome;
      if (result.kind !== 'lost') throw new Error(`unexpected verdict ${result.kind}`);
      if (resubmissions >= maxRetries)
        return lostOutcome(submission.jobId, result.state, resubmissions, Date.now() - started);
    }
  }

  return {
    name: 'slurm',
    description: describeSlurm(options, maxRetries),
    run(job: EvaluationJob, runOptions: { abortSignal?: AbortSignal } = {}): Promise<EvaluationOutcome> {
      return runs.start(runOptions.abortSignal, (signal) => evaluate(job, signal));
    },
    async close(): Promise<void> {
      await runs.close();
      await Promise.allSettled([...cancellations]);
      if (pollTimer !== null) clearTimeout(pollTimer);
      pollTimer = null;
    },
  };
}
