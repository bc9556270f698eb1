import { AsiEvolveError } from '../errors.js';

/** One problem found in the configuration, located by file and dotted key. */
export interface ConfigIssue {
  /** The file the value came from (or `command line`, `defaults`). */
  file: string;
  /** Dotted path, e.g. `pipeline.parallel.num_workers`. */
  key: string;
  message: string;
}

/** Every problem of a configuration at once, so the user fixes them in one go. */
export class ConfigError extends AsiEvolveError {
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    const lines = issues.map((issue) => `${issue.file}: ${issue.key || '(top level)'}: ${issue.message}`);
    super('CONFIG_INVALID', `Invalid configuration:\n  ${lines.join('\n  ')}`, {
      file: issues[0]?.file,
      key: issues[0]?.key,
      hint: 'Fix the keys named above; `asi-evolve init` writes a commented config.yaml to compare with.',
    });
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
