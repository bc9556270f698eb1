/** Stable codes for errors a caller may branch on. */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'EXPERIMENT_MISSING_FILE'
  | 'LLM_CALL_FAILED'
  | 'LLM_RETRIES_EXHAUSTED'
  | 'LLM_RESPONSE_INVALID'
  | 'LLM_PROMPT_TOO_LONG'
  | 'BUDGET_REACHED'
  | 'STORE_BUSY'
  | 'STORE_CORRUPT'
  | 'DISK_FULL'
  | 'NODE_NOT_FOUND'
  | 'EXECUTOR_UNAVAILABLE'
  | 'COGNITION_INPUT_INVALID'
  /** The experiment's initial program failed its evaluation: the run's pre-flight. */
  | 'SEED_FAILED'
  /** An optional package that the configured feature needs is not installed (src/optional-dependency.ts). */
  | 'DEPENDENCY_MISSING'
  | 'USAGE';

const marker = Symbol.for('asi-evolve.error');

export interface AsiEvolveErrorOptions {
  cause?: unknown;
  hint?: string;
  file?: string;
  key?: string;
}

/**
 * The base of every error the tool throws on purpose. It carries the facts a caller needs
 * (`file`, `key`, `hint`) so that `cli/report-error.ts` can print one clear line.
 */
export class AsiEvolveError extends Error {
  readonly [marker] = true;
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly file: string | undefined;
  readonly key: string | undefined;

  constructor(code: ErrorCode, message: string, options: AsiEvolveErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AsiEvolveError';
    this.code = code;
    this.hint = options.hint;
    this.file = options.file;
    this.key = options.key;
  }

  static isInstance(value: unknown): value is AsiEvolveError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }

  /** True when the error is the user's to fix (exit code 2), not a bug. */
  get isUserError(): boolean {
    return (
      this.code === 'CONFIG_INVALID' ||
      this.code === 'EXPERIMENT_MISSING_FILE' ||
      this.code === 'USAGE' ||
      this.code === 'DISK_FULL' ||
      this.code === 'NODE_NOT_FOUND' ||
      this.code === 'COGNITION_INPUT_INVALID' ||
      this.code === 'SEED_FAILED' ||
      this.code === 'DEPENDENCY_MISSING'
    );
  }
}

/** The message of anything thrown: an Error's message, else the value as a string. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What to do about a full disk, wherever it is met: nothing stored is lost, and a run resumes. */
export const DISK_FULL_HINT =
  'free space on that disk (or raise the quota) and run again: the run resumes from the rounds already stored';

/**
 * A file-system error the user can act on, as an AsiEvolveError naming `path`: a full disk or
 * quota (`DISK_FULL`), a folder that cannot be written (`USAGE`). Anything else is returned as it is.
 * @example
 * try { writeFileSync(file, text); } catch (error) { throw fileSystemError(error, `cannot write ${file}`, file); }
 */
export function fileSystemError(error: unknown, what: string, path: string): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const reason = error instanceof Error ? error.message : String(error);
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new AsiEvolveError('DISK_FULL', `${what}: the disk is full (${reason})`, {
      file: path,
      cause: error,
      hint: DISK_FULL_HINT,
    });
  }
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return new AsiEvolveError('USAGE', `${what}: ${reason}`, {
      file: path,
      cause: error,
      hint: 'the experiment folder must be writable by whoever runs it',
    });
  }
  return error;
}
