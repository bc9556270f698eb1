import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AsiEvolveError } from '../errors.js';
import { type SandboxCapabilities, sandboxCapabilities } from './capabilities.js';
import { candidateSandboxPath, candidateSandboxToolsVariable } from './candidate-sandbox.js';
import { describeProcessFailure } from './classify.js';
import { hasLimits, prlimitArguments, ulimitArguments } from './limits.js';
import type { EvaluationJob, EvaluationLogs, EvaluationOutcome, ResourceLimits } from './outcome.js';
import { evaluatorError, readResultsFile } from './results-file.js';
import {
  type GatedProcessGroup,
  type ProcessGroupExit,
  type ProcessGroupWatch,
  runProcessGroup,
  startGatedProcessGroup,
} from './run-process-group.js';
import { isolationPrefix } from './isolation.js';
import { planSandbox, type SandboxPlan } from './sandbox-plan.js';
import {
  handOverStepFolder,
  prepareStepFolder,
  readFileTail,
  stepFileNames,
  stepFilesOf,
  type StepFiles,
  writeLogTail,
} from './step-folder.js';
import { TailBuffer } from './tail-buffer.js';
import {
  buildWorkspace,
  CandidateFilesRefused,
  candidateFilesFolderName,
  keepCandidateFiles,
  removeTree,
  workspaceFiles,
  workspaceVariable,
} from './workspace.js';

export interface SandboxOptions {
  /** Ends the run like a timeout does (SIGTERM, then SIGKILL); the outcome is `signal`, "aborted". */
  abortSignal?: AbortSignal;
  /** The protections to use; default: those detected on this machine ({@link sandboxCapabilities}). */
  capabilities?: SandboxCapabilities;
  /**
   * False for a check command rather than an evaluator: the exit code decides, and a missing
   * results.json is no failure (the outcome is `ok` with empty results and score 0). Default true.
   */
  requireResults?: boolean;
  /**
   * A sandbox started for this job before its program was known ({@link warmSandbox}): used when
   * everything that shaped its command line equals the job's, else discarded and the run starts
   * cold. Either way it is spent.
   */
  warm?: WarmSandbox | undefined;
}

/**
 * The leader of a process group with no namespace: a background reader of stdin (a pipe that
 * only this process writes, never) kills the group at end of file, which comes when this process
 * dies, SIGKILL included; the evaluator replaces the leader, with /dev/null as stdin. (The pipe
 * goes through fd 3: bash gives a background command /dev/null as stdin.)
 */
const groupWatchdog = 'exec 3<&0\n( read -r _ <&3 || true; kill -KILL 0 ) &\nexec "$@" </dev/null 3<&-';

/** TMPDIR under bubblewrap: the sandbox's /tmp, a tmpfs that only this evaluation sees (see bubblewrap.ts). */
const privateTemporaryDir = '/tmp';

/** $0 of the evaluator's shell, as it shows in `ps` and in bash error messages. */
const shellName = 'asi-evolve-eval';

/**
 * What a warm sandbox's evaluator shell reads first, through BASH_ENV: it says it is ready (a
 * byte on fd 3: the launcher has set everything up and armed its parent-death signals, so the
 * release waits for it), waits for the release (a line on stdin, a pipe only this process writes),
 * and at end of file (discarded, or this process died) exits 125 without running anything. The
 * evaluator's own shell, so that a warm start starts no process more than a cold one once
 * released: bash reads BASH_ENV before it parses its command, whose error messages and line
 * numbers are then a cold start's. The evaluator's stdin is that pipe at end of file, as in a
 * cold start.
 */
const evaluatorGatePath: string = fileURLToPath(new URL('../../bin/evaluator-gate.bash', import.meta.url));

/**
 * What every sandbox reads of the tool: the folders of the candidate sandbox's command and of the
 * gate (one, `bin/`: one mount, where the two files were two).
 */
const toolFolders: readonly string[] = [...new Set([dirname(candidateSandboxPath), dirname(evaluatorGatePath)])];

/**
 * Whether the evaluator's user can read the gate: bash skips a BASH_ENV it cannot read and runs
 * the command at once. Without a user to drop to, the file must be there; the dropped user needs
 * it readable by others and, under unshare, which shows it the host's folders, every folder above
 * it open to others (bubblewrap mounts it in folders it makes). Looked at once per case.
 */
function gateReadable(plan: SandboxPlan): boolean {
  const key = plan.dropUser === null ? 'own' : plan.mode;
  let readable = gateReadableCache.get(key);
  if (readable === undefined) {
    try {
      readable = plan.dropUser === null || (statSync(evaluatorGatePath).mode & 0o004) !== 0;
      for (let folder = dirname(evaluatorGatePath); readable && key === 'unshare'; folder = dirname(folder)) {
        readable = (statSync(folder).mode & 0o001) !== 0;
        if (dirname(folder) === folder) break;
      }
      readable &&= statSync(evaluatorGatePath).isFile();
    } catch {
      readable = false;
    }
    gateReadableCache.set(key, readable);
  }
  return readable;
}
const gateReadableCache = new Map<string, boolean>();

/**
 * Variables of a job's environment that change whether bash reads BASH_ENV (posix mode skips it)
 * or that the gate would replace: a job that sets any of them starts cold.
 */
const gateBlockers = ['BASH_ENV', 'ENV', 'POSIXLY_CORRECT', 'SHELLOPTS', 'ASI_EVOLVE_GATE_LIMITS'];

/**
 * The resource limits a warm sandbox's gate sets in the evaluator's shell with `ulimit`, in place
 * of the prlimit a cold start runs first (one program fewer to start per evaluation): the
 * `ulimit` option and value pairs, or null where prlimit stays (a size that is not whole KiB)
 * or no limit applies (none set, or no prlimit here, so that a cold start would set none either).
 */
function gateLimits(limits: ResourceLimits, capabilities: SandboxCapabilities): string | null {
  if (capabilities.prlimitPath === null || !hasLimits(limits)) return null;
  return ulimitArguments(limits)?.join(' ') ?? null;
}

/**
 * The environment of a warm sandbox's evaluator: the gate read first; null where the job's own
 * environment rules the gate out. SHLVL goes in one higher, and the gate takes it down again:
 * a non-interactive bash at shell level 1 whose stdin is a socket (Node's pipes are) reads
 * ~/.bashrc, as if started by a remote shell daemon, instead of BASH_ENV.
 */
function gatedEnvironment(env: Record<string, string>, limits: string | null): Record<string, string> | null {
  if (gateBlockers.some((name) => env[name] !== undefined)) return null;
  const level = env.SHLVL === undefined ? 0 : Number(env.SHLVL);
  if (!/^\d{1,3}$/.test(env.SHLVL ?? '0') || level > 998) return null;
  const gated = { ...env, BASH_ENV: evaluatorGatePath, SHLVL: String(level + 1) };
  return limits === null ? gated : { ...gated, ASI_EVOLVE_GATE_LIMITS: limits };
}

function commandLine(
  job: Omit<EvaluationJob, 'program'>,
  files: StepFiles,
  plan: SandboxPlan,
  capabilities: SandboxCapabilities,
  bashPath: string,
  /** The warm sandbox's gate sets the limits (`ASI_EVOLVE_GATE_LIMITS`): no prlimit. */
  limitsInGate = false,
): string[] {
  const shell = [bashPath, '-c', job.command, shellName, files.programPath, files.stepDir];
  const isolated =
    plan.mode === 'none'
      ? shell
      : [
          ...isolationPrefix(
            plan.mode,
            {
              stepDir: files.stepDir,
              experimentDir: job.experimentDir,
              network: plan.network,
              readPaths: [...(job.sandbox?.readPaths ?? []), ...toolFolders],
              pathVariable: job.env.PATH,
              asRoot: capabilities.asRoot,
              dropUser: plan.dropUser,
            },
            { ...capabilities, bashPath },
          ),
          ...shell,
        ];
  const limited =
    capabilities.prlimitPath === null || !hasLimits(job.limits) || limitsInGate
      ? isolated
      : [capabilities.prlimitPath, ...prlimitArguments(job.limits), '--', ...isolated];
  // unshare's --kill-child ends the namespace when unshare dies, but nothing ends unshare when
  // this process is SIGKILLed: a parent-death signal does (bubblewrap has --die-with-parent).
  if (plan.mode === 'unshare' && capabilities.setprivPath !== null)
    return [capabilities.setprivPath, '--pdeathsig', 'KILL', '--', ...limited];
  // Without a namespace, a parent-death signal would reach the first process only: a watchdog
  // in the group kills the whole group once its stdin, a pipe from this process, closes.
  if (plan.mode === 'none') return [bashPath, '-c', groupWatchdog, 'asi-evolve-watchdog', ...limited];
  return limited;
}

/**
 * The job's environment plus what only the sandbox knows: ASI_PROGRAM_PATH, ASI_STEP_DIR,
 * ASI_EXPERIMENT_DIR, ASI_SANDBOX_EXEC (the command that runs a candidate in a stricter sandbox,
 * {@link candidateSandboxPath}; with bubblewrap forced off, {@link candidateSandboxToolsVariable} too), and HOME (the step folder) and TMPDIR when
 * the job's environment does not set them. TMPDIR is /tmp under bubblewrap: the sandbox's own
 * tmpfs, gone with it, so that nothing is made and removed on disk for it each evaluation;
 * elsewhere /tmp is shared, and TMPDIR is `tmp` in the step folder, made here and removed after
 * the run.
 */
function runEnvironment(
  job: Omit<EvaluationJob, 'program'>,
  files: StepFiles,
  capabilities: SandboxCapabilities,
  mode: SandboxPlan['mode'],
): { env: Record<string, string>; temporaryDir: string | null } {
  const env: Record<string, string> = { ...job.env };
  env.HOME ??= files.stepDir;
  let temporaryDir: string | null = null;
  if (env.TMPDIR === undefined && mode === 'bubblewrap') env.TMPDIR = privateTemporaryDir;
  if (env.TMPDIR === undefined) {
    temporaryDir = join(files.stepDir, stepFileNames.temporary);
    mkdirSync(temporaryDir, { recursive: true });
    env.TMPDIR = temporaryDir;
  }
  env.ASI_PROGRAM_PATH = files.programPath;
  env.ASI_STEP_DIR = files.stepDir;
  env.ASI_EXPERIMENT_DIR = job.experimentDir;
  env.ASI_SANDBOX_EXEC = candidateSandboxPath;
  // Bubblewrap forced off stands for a machine without it: the candidate sandbox does without too.
  if (capabilities.bubblewrapForcedOff) env[candidateSandboxToolsVariable] = 'unshare';
  return { env, temporaryDir };
}

/**
 * Runs one evaluation on this machine (docs/architecture.md, “The experiment folder and the evaluation contract”; “Running candidates safely”) and returns its outcome; a failing
 * candidate is an outcome, never an exception.
 *
 * - The candidate goes to `code` and to `job.programFile` in the step folder; a stale
 *   `results.json` is removed first.
 * - A multi-file job (a bundle as program and `job.projectDir`) also gets a workspace,
 *   `workspace/` in the step folder: a copy of the project with the candidate's files written
 *   over it, named by $ASI_EVOLVE_WORKSPACE. It is removed when the evaluation ends; the
 *   candidate's files stay in `files/` (docs/architecture.md, “Multi-file candidates”).
 * - `bash -c job.command` runs in the step folder, in its own process group, with exactly
 *   `job.env` (plus ASI_PROGRAM_PATH, ASI_STEP_DIR, ASI_EXPERIMENT_DIR, and unless set HOME, the
 *   step folder, and TMPDIR, the sandbox's own /tmp under bubblewrap, else `tmp` in the step
 *   folder), the program path as `$1` and the step folder as `$2`.
 * - `job.limits` are applied with `prlimit` where it exists (see {@link sandboxCapabilities}).
 * - `job.sandbox` picks the containment ({@link planSandbox}): under bubblewrap the evaluator
 *   sees a filesystem view in which only its step folder is writable, in its own PID (and,
 *   unless allowed, network) namespace, as an unprivileged user when we run as root; under
 *   unshare, the same namespaces and a mount namespace in which every folder is read-only but the
 *   step folder and the experiment's config, database, best/ and other steps are hidden. With
 *   either, nothing it started outlives it, `setsid` included. Evaluators run candidates through
 *   $ASI_SANDBOX_EXEC, which cannot write the step folder (see docs/sandbox.md).
 * - The last `maxOutputBytes` of stdout and stderr are kept, and written to `stdout.log` and
 *   `stderr.log`; the tail of an `evaluator.log` the evaluator wrote comes back too.
 * - At the time limit the whole group gets SIGTERM, then SIGKILL after `killGraceMs`; processes
 *   left behind by an evaluator that exited are killed too. It resolves once the group is gone.
 *   Without a namespace (mode `none`), a process that called `setsid` leaves the group and is not contained.
 *
 * Throws `AsiEvolveError` only when the run cannot start (no bash, an unwritable step folder,
 * a program file outside the step folder, an invalid limit, a sandbox mode this machine lacks).
 *
 * @example
 * const outcome = await runSandboxed({ ...job, env: buildEvaluatorEnv(process.env, [], {}) });
 * if (outcome.status === 'failed') recordFailure(outcome.reason, outcome.shortMessage);
 */
export async function runSandboxed(job: EvaluationJob, options: SandboxOptions = {}): Promise<EvaluationOutcome> {
  try {
    return await runOnce(job, options);
  } finally {
    // Spent either way: a no-op once the run used it, else it ends without running anything.
    void options.warm?.discard();
  }
}

async function runOnce(job: EvaluationJob, options: SandboxOptions): Promise<EvaluationOutcome> {
  const capabilities = options.capabilities ?? sandboxCapabilities();
  const bashPath = capabilities.bashPath;
  if (bashPath === null) {
    throw new AsiEvolveError('EXECUTOR_UNAVAILABLE', 'bash was not found, so the evaluator cannot run', {
      hint: 'Install bash or add its folder to PATH.',
    });
  }
  if (options.abortSignal?.aborted === true) {
    const logs: EvaluationLogs = { stdoutTail: '', stderrTail: '', truncated: false };
    return {
      status: 'failed',
      reason: 'signal',
      shortMessage: 'aborted',
      exitCode: null,
      signal: null,
      results: null,
      durationMs: 0,
      logs,
    };
  }

  const plan = planSandbox(job.sandbox, capabilities);
  const files = prepareStepFolder(job);
  let candidateFiles: Map<string, string> | null;
  let workspace: string | null = null;
  try {
    candidateFiles = workspaceFiles(job);
    if (candidateFiles !== null) {
      removeTree(join(files.stepDir, candidateFilesFolderName));
      workspace = await buildWorkspace(job, files.stepDir, candidateFiles);
    }
  } catch (error) {
    // Files that cannot be laid over the project are this candidate's failure; the run goes on.
    if (error instanceof CandidateFilesRefused) return refusedCandidate(files, error.message);
    throw error;
  }
  try {
    // A workspace is laid out for each program: a multi-file job always starts cold.
    const warm = candidateFiles === null ? options.warm : undefined;
    return await runPrepared(job, options, { plan, files, workspace, capabilities, bashPath, warm });
  } finally {
    if (workspace !== null) removeTree(workspace);
    if (candidateFiles !== null) keepCandidateFiles(files.stepDir, candidateFiles);
  }
}

/** The outcome of a candidate whose files could not be laid over the project: nothing ran. */
function refusedCandidate(files: StepFiles, message: string): EvaluationOutcome {
  try {
    writeFileSync(join(files.stepDir, stepFileNames.stderrLog), `${message}\n`);
  } catch {
    // The message is in the outcome; the log file is for inspection only.
  }
  return {
    status: 'failed',
    reason: 'bad-candidate',
    shortMessage: message,
    exitCode: null,
    signal: null,
    results: null,
    durationMs: 0,
    logs: { stdoutTail: '', stderrTail: message, truncated: false },
  };
}

/** What {@link runSandboxed} has settled before the evaluator starts. */
interface Prepared {
  plan: SandboxPlan;
  files: StepFiles;
  /** The multi-file workspace, or null for a single-file job. */
  workspace: string | null;
  capabilities: SandboxCapabilities;
  bashPath: string;
  /** The warm sandbox offered for this run, if any. */
  warm: WarmSandbox | undefined;
}

async function runPrepared(
  job: EvaluationJob,
  options: SandboxOptions,
  { plan, files, workspace, capabilities, bashPath, warm }: Prepared,
): Promise<EvaluationOutcome> {
  const { env, temporaryDir } = runEnvironment(job, files, capabilities, plan.mode);
  if (workspace !== null) env[workspaceVariable] = workspace;
  if (plan.dropUser !== null) handOverStepFolder(files.stepDir, plan.dropUser);
  const gated =
    warm === undefined
      ? null
      : claimWarm(warm, warmShapeOf(gatedStart(job, files, plan, capabilities, bashPath, env), files.stepDir));
  let stdout = new TailBuffer(job.maxOutputBytes);
  let stderr = new TailBuffer(job.maxOutputBytes);
  const watch: ProcessGroupWatch = {
    timeoutMs: job.timeoutMs,
    killGraceMs: job.killGraceMs,
    abortSignal: options.abortSignal,
    spareLeaderOnTerm: plan.mode !== 'none',
    onStdout: (chunk) => stdout.push(chunk),
    onStderr: (chunk) => stderr.push(chunk),
  };
  const unavailable = (error: unknown): AsiEvolveError =>
    new AsiEvolveError('EXECUTOR_UNAVAILABLE', `Could not start the evaluator: ${(error as Error).message}`, {
      cause: error,
    });

  let exit: ProcessGroupExit | null = null;
  if (gated !== null) {
    try {
      exit = await gated.release(watch);
    } catch (error) {
      throw unavailable(error);
    }
    if (exit === null) {
      // It ended without saying it was ready: what ran there is not this candidate's evaluation
      // (its launcher failed, or its command did not wait). Its output is dropped, and the step
      // folder, which it may have written, is prepared again for a cold start.
      stdout = new TailBuffer(job.maxOutputBytes);
      stderr = new TailBuffer(job.maxOutputBytes);
      prepareStepFolder(job);
      if (plan.dropUser !== null) handOverStepFolder(files.stepDir, plan.dropUser);
    }
  }
  if (exit === null) {
    try {
      exit = await runProcessGroup(commandLine(job, files, plan, capabilities, bashPath), {
        ...watch,
        cwd: files.stepDir,
        env,
        holdStdin: plan.mode === 'none',
      });
    } catch (error) {
      throw unavailable(error);
    }
  }

  writeLogTail(join(files.stepDir, stepFileNames.stdoutLog), stdout);
  writeLogTail(join(files.stepDir, stepFileNames.stderrLog), stderr);
  if (temporaryDir !== null) removeQuietly(temporaryDir);

  const logs: EvaluationLogs = {
    stdoutTail: stdout.text(),
    stderrTail: stderr.text(),
    truncated: stdout.truncated || stderr.truncated,
  };
  const logFileTail = readFileTail(join(files.stepDir, stepFileNames.evaluatorLog), job.maxOutputBytes);
  if (logFileTail !== undefined) logs.logFileTail = logFileTail;

  const read = readResultsFile(files.resultsPath);
  const durationMs = Math.round(exit.durationMs);
  const ended = { exitCode: exit.exitCode, signal: exit.signal, results: read.results, durationMs, logs };
  const failure = describeProcessFailure(exit, {
    timeoutMs: job.timeoutMs,
    limits: job.limits,
    stdoutTail: logs.stdoutTail,
    stderrTail: logs.stderrTail,
    resultsError: evaluatorError(read.results),
  });
  if (failure !== null) return { status: 'failed', ...failure, ...ended };
  if (read.ok) return { status: 'ok', results: read.results, evalScore: read.evalScore, durationMs, logs };
  if (options.requireResults === false) return { status: 'ok', results: {}, evalScore: 0, durationMs, logs };
  return { status: 'failed', reason: read.reason, shortMessage: read.message, ...ended };
}

/** The shape a warm sandbox for this cold start would have; null where none can be. */
function warmShapeOf(start: { command: string[]; env: Record<string, string> } | null, cwd: string): string | null {
  return start === null ? null : shapeOf(start.command, start.env, cwd);
}

/**
 * What a sandbox is started from: its command line, environment and working folder, the folder
 * itself included: the sandbox holds the folder it was started in, so one removed and made again
 * since (steps/ deleted while the run went on) is another folder, and the run starts cold there.
 */
function shapeOf(command: readonly string[], env: Record<string, string>, cwd: string): string {
  let folder: string | null = null;
  try {
    const stat = statSync(cwd);
    folder = `${stat.dev}:${stat.ino}`;
  } catch {
    // Gone: no warm sandbox was started in a folder that is not there.
  }
  return JSON.stringify([command, env, cwd, folder]);
}

/**
 * The command line and environment of a warm sandbox for an evaluation whose cold start has
 * environment `coldEnv`; null where the job's environment rules the gate out.
 */
function gatedStart(
  job: Omit<EvaluationJob, 'program'>,
  files: StepFiles,
  plan: SandboxPlan,
  capabilities: SandboxCapabilities,
  bashPath: string,
  coldEnv: Record<string, string>,
): { command: string[]; env: Record<string, string> } | null {
  const limits = gateLimits(job.limits, capabilities);
  const env = gatedEnvironment(coldEnv, limits);
  return env === null ? null : { command: commandLine(job, files, plan, capabilities, bashPath, limits !== null), env };
}

/**
 * An evaluation's sandbox started before its candidate exists (docs/architecture.md, “A round's
 * seam: the warm sandbox”): bubblewrap's or unshare's namespaces and mounts are set up, and its
 * shell waits for the release before it runs the evaluator's command. Pass it to
 * {@link runSandboxed} as `warm`; a round that evaluates nothing discards it.
 */
export interface WarmSandbox {
  /** The step folder it was started in. */
  readonly stepDir: string;
  /**
   * Resolves when a run has released it: its evaluation runs from then. Never, when it is
   * discarded. The loop starts the next round's sandbox then, so that it gets ready while this
   * round is evaluated, analysed and stored, and the next one designed.
   */
  readonly started: Promise<void>;
  /**
   * Ends it without running anything; resolves once its processes are gone. Idempotent; a no-op
   * once a run has used it.
   */
  discard(): Promise<void>;
}

class StartedWarmSandbox implements WarmSandbox {
  private spent = false;
  readonly started: Promise<void>;
  constructor(
    readonly stepDir: string,
    readonly shape: string,
    readonly group: GatedProcessGroup,
  ) {
    this.started = group.released;
  }

  /**
   * The group, once, when `shape` is the one it was started with and it is still waiting (the
   * caller releases it at once); else null and discarded.
   */
  claim(shape: string | null): GatedProcessGroup | null {
    if (this.spent) return null;
    this.spent = true;
    if (shape === this.shape && !this.group.endedEarly) return this.group;
    void this.group.discard();
    return null;
  }

  discard(): Promise<void> {
    this.spent = true;
    return this.group.discard();
  }
}

function claimWarm(warm: WarmSandbox, shape: string | null): GatedProcessGroup | null {
  if (warm instanceof StartedWarmSandbox) return warm.claim(shape);
  void warm.discard();
  return null;
}

/**
 * Starts the sandbox of an evaluation whose program is not written yet: the step folder, its
 * `tmp/` and the hand-over to the unprivileged user are done now, and the sandbox (prlimit,
 * bubblewrap or unshare with its mounts, setpriv, bash) waits for {@link runSandboxed}, whose
 * time limit counts from the release. The step folder must stay (not be removed and made again)
 * until then: the sandbox holds the folder itself. Returns null where a warm start does not
 * apply (sandbox mode `none`, whose watchdog owns stdin; a multi-file job; a machine without
 * bash or the mode), or could not be made: the run then starts cold and reports what is wrong.
 *
 * @example
 * const warm = warmSandbox(jobWithoutProgram);
 * try { outcome = await runSandboxed({ ...jobWithoutProgram, program }, { warm: warm ?? undefined }); }
 * finally { void warm?.discard(); }
 */
export function warmSandbox(
  job: Omit<EvaluationJob, 'program'>,
  options: { capabilities?: SandboxCapabilities } = {},
): WarmSandbox | null {
  if (job.projectDir !== undefined) return null;
  try {
    const capabilities = options.capabilities ?? sandboxCapabilities();
    const bashPath = capabilities.bashPath;
    if (bashPath === null) return null;
    const plan = planSandbox(job.sandbox, capabilities);
    if (plan.mode === 'none') return null;
    const files = stepFilesOf(job);
    mkdirSync(files.stepDir, { recursive: true });
    const start = gatedStart(
      job,
      files,
      plan,
      capabilities,
      bashPath,
      runEnvironment(job, files, capabilities, plan.mode).env,
    );
    if (start === null) return null;
    if (!gateReadable(plan)) return null;
    if (plan.dropUser !== null) handOverStepFolder(files.stepDir, plan.dropUser);
    const { command, env } = start;
    const group = startGatedProcessGroup(command, { cwd: files.stepDir, env });
    return new StartedWarmSandbox(files.stepDir, shapeOf(command, env, files.stepDir), group);
  } catch {
    // Only an optimisation: the cold start meets the same problem and reports it.
    return null;
  }
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true, maxRetries: 2 });
  } catch {
    // Leftover temporary files are not worth failing an outcome for.
  }
}
