import type { JsonObject } from '../domain/index.js';

/** Limits applied to one evaluation's process tree. Undefined = not limited. */
export interface ResourceLimits {
  /** Address-space limit in bytes per process. */
  memoryBytes?: number;
  cpuSeconds?: number;
  fileSizeBytes?: number;
  maxProcesses?: number;
}

/**
 * How an evaluation is contained (docs/architecture.md, “Running candidates safely”); it travels with the job.
 * - `bubblewrap`: new PID, network, IPC and UTS namespaces and a filesystem view (see `bubblewrapArguments`);
 * - `unshare`: the fallback (util-linux `unshare`): new PID, mount and network namespaces, every folder
 *   read-only but the step folder, the experiment's config, database, best/ and other steps hidden;
 * - `none`: a process group only;
 * - `auto`: the strongest of these that this machine allows.
 */
export interface SandboxSettings {
  mode: 'auto' | 'bubblewrap' | 'unshare' | 'none';
  /** Let the candidate reach the network (only isolating modes can take it away). */
  network: boolean;
  /** Absolute paths the evaluator may also read under bubblewrap (datasets, toolchains). */
  readPaths: string[];
}

/** A serialisable description of one evaluation, so it can travel to another machine. */
export interface EvaluationJob {
  /** Absolute path of the step folder; it becomes the working directory. */
  stepDir: string;
  /** Absolute path of the experiment folder. */
  experimentDir: string;
  /** Shell command (run with `bash -c`). */
  command: string;
  /** The candidate program, written to `code` and to `programFile` in the step folder. */
  program: string;
  programFile: string;
  timeoutMs: number;
  killGraceMs: number;
  maxOutputBytes: number;
  limits: ResourceLimits;
  /** The complete environment of the evaluator (already filtered by the allow-list). */
  env: Record<string, string>;
  /** Containment; absent = `none` (a process group only), as before sandbox modes existed. */
  sandbox?: SandboxSettings;
  /**
   * Absolute path of the seed project of a multi-file experiment, where the job runs (a shared
   * filesystem for Slurm and queue workers). With a bundle as `program`, the evaluation runs
   * against a workspace: a copy of this folder with the candidate's files written over it
   * (docs/architecture.md, “Multi-file candidates”). The folder itself is never written.
   */
  projectDir?: string;
}

/** `below-threshold`: an evaluation stage scored under its threshold, so the later stages were skipped. */
export type FailureReason =
  | 'timeout'
  | 'exit-code'
  | 'signal'
  | 'memory'
  | 'bad-results'
  | 'unsuccessful'
  | 'lost'
  | 'below-threshold'
  /** A multi-file candidate whose files cannot be laid over the project (a path through a link): nothing ran. */
  | 'bad-candidate';

export interface EvaluationLogs {
  stdoutTail: string;
  stderrTail: string;
  /** True when output was cut to `maxOutputBytes`. */
  truncated: boolean;
  /** The tail of `evaluator.log`, when the evaluator wrote one in the step folder. */
  logFileTail?: string;
}

export type EvaluationOutcome =
  | {
      status: 'ok';
      /** Every field of results.json. */
      results: JsonObject;
      evalScore: number;
      durationMs: number;
      logs: EvaluationLogs;
    }
  | {
      status: 'failed';
      reason: FailureReason;
      /** One line for people, e.g. "timed out after 30 s". */
      shortMessage: string;
      exitCode: number | null;
      signal: string | null;
      /** Whatever results.json held, if it was readable. */
      results: JsonObject | null;
      durationMs: number;
      logs: EvaluationLogs;
    };
