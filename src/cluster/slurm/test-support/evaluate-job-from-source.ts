/**
 * `evaluate-job JOB OUTCOME` from source, for the executor's tests (run with tsx): it loads only
 * the command, not the whole CLI, so a job starts in well under a second. The built CLI
 * (bin/asi-evolve.js) is what users' jobs run; test/e2e/slurm.test.ts covers it.
 */
import { evaluateJobCommand } from '../../../cli/actions/evaluate-job.js';
import { reportError } from '../../../cli/report-error.js';

const [command, jobFile, outcomeFile] = process.argv.slice(2);
try {
  if (command !== 'evaluate-job' || jobFile === undefined || outcomeFile === undefined) {
    throw new Error(`usage: evaluate-job JOB OUTCOME, got ${process.argv.slice(2).join(' ')}`);
  }
  await evaluateJobCommand(jobFile, outcomeFile, (text) => process.stdout.write(text));
} catch (error) {
  reportError(error, { verbose: false, write: (text) => process.stderr.write(text) });
}
