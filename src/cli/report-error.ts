import { AsiEvolveError } from '../errors.js';
import { redactSecrets } from '../secrets.js';

function causeChain(error: unknown): string[] {
  const lines: string[] = [];
  let current: unknown = error instanceof Error ? error.cause : undefined;
  while (current !== undefined && lines.length < 8) {
    lines.push(current instanceof Error ? `${current.name}: ${current.message}` : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return lines;
}

/**
 * The one place that formats errors for people. Known errors print one line (plus a hint);
 * anything else is a bug and prints with its stack. Sets the exit code; never exits.
 */
export function reportError(error: unknown, options: { verbose: boolean; write: (text: string) => void }): void {
  const { write } = options;
  if (AsiEvolveError.isInstance(error)) {
    write(`asi-evolve: ${redactSecrets(error.message)}\n`);
    if (error.hint) write(`  hint: ${error.hint}\n`);
    if (options.verbose) {
      for (const line of causeChain(error)) write(`  caused by: ${redactSecrets(line)}\n`);
      if (error.stack) write(`${redactSecrets(error.stack)}\n`);
    }
    // A provider's permanent refusal (bad key, unknown model) is the user's to fix, like bad config.
    const refused = error.code === 'LLM_CALL_FAILED' && (error as { isRetryable?: unknown }).isRetryable === false;
    process.exitCode = error.isUserError || refused ? 2 : 1;
    return;
  }
  write('asi-evolve: Internal error (a bug: please report it with the lines below)\n');
  write(`${redactSecrets(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
  for (const line of causeChain(error)) write(`  caused by: ${redactSecrets(line)}\n`);
  process.exitCode = 1;
}
