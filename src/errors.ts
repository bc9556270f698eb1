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
