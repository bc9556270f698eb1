import { fileURLToPath } from 'node:url';

/**
 * The command evaluators run candidates with (`bin/asi-sandbox-exec` of this package, given to
 * every evaluation as $ASI_SANDBOX_EXEC): the candidate sees the filesystem read-only but for
 * its own scratch folder, so it can never write the step folder's results.json, and everything
 * it started is gone when it exits. See docs/sandbox.md.
 *
 * @example
 * // in an evaluator written in Python:
 * subprocess.run([os.environ["ASI_SANDBOX_EXEC"], "--scratch", "candidate", "--", "python3", program])
 */
export const candidateSandboxPath: string = fileURLToPath(new URL('../../bin/asi-sandbox-exec', import.meta.url));

/**
 * Set in the evaluator's environment when bubblewrap is forced off, so that the candidate
 * sandbox uses the same fallback as the evaluation's own.
 */
export const candidateSandboxToolsVariable = 'ASI_SANDBOX_EXEC_TOOLS';
