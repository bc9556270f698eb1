import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { AsiEvolveError } from '../../errors.js';
import { runSandboxed, type EvaluationJob, type EvaluationOutcome } from '../../evaluation/index.js';
import { listenForInterrupt } from '../interrupt.js';

const jobSchema = z.strictObject({
  stepDir: z.string().min(1),
  experimentDir: z.string().min(1),
  command: z.string(),
  program: z.string(),
  programFile: z.string().min(1),
  timeoutMs: z.number().positive(),
  killGraceMs: z.number().min(0),
  maxOutputBytes: z.number().int().positive(),
  limits: z.strictObject({
    memoryBytes: z.number().positive().optional(),
    cpuSeconds: z.number().positive().optional(),
    fileSizeBytes: z.number().positive().optional(),
    maxProcesses: z.number().int().positive().optional(),
  }),
  env: z.record(z.string(), z.string()),
  sandbox: z
    .strictObject({
      mode: z.enum(['auto', 'bubblewrap', 'unshare', 'none']),
      network: z.boolean(),
      readPaths: z.array(z.string()),
    })
    .optional(),
  projectDir: z.string().min(1).optional(),
});

/** The EvaluationJob in `file`; a file that is missing, not JSON or not a job is named in the error. */
export function readJobFile(file: string): EvaluationJob {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new AsiEvolveError('USAGE', `cannot read the job file ${file}: ${(error as Error).message}`, {
      file,
      cause: error,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AsiEvolveError('USAGE', `the job file ${file} is not JSON: ${(error as Error).message}`, {
      file,
      cause: error,
    });
  }
  const parsed = jobSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    const more = problems.length > 4 ? `; and ${problems.length - 4} more` : '';
    throw new AsiEvolveError(
      'USAGE',
      `the job file ${file} is not an evaluation job: ${problems.slice(0, 4).join('; ')}${more}`,
      {
        file,
        hint: 'job files are written by the coordinator (cluster.executor slurm); see `asi-evolve evaluate-job --help`',
      },
    );
  }
  return parsed.data satisfies EvaluationJob;
}

/** Writes beside the target, then renames: a watcher never reads half an outcome. */
function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new AsiEvolveError(
      'EXECUTOR_UNAVAILABLE',
      `cannot write the outcome file ${file}: ${(error as Error).message}`,
      { file, cause: error },
    );
  }
}

function summary(outcome: EvaluationOutcome): string {
  return outcome.status === 'ok'
    ? `ok, score ${outcome.evalScore}`
    : `failed (${outcome.reason}): ${outcome.shortMessage}`;
}

/**
 * `evaluate-job JOB OUTCOME`: what a Slurm job (or any remote side) runs. It evaluates the job
 * on this machine with `runSandboxed`, as the local executor would, and writes the outcome as
 * JSON. Ctrl-C or SIGTERM (scancel, a time limit) ends the evaluation; the outcome then says
 * "aborted". Throws only when it cannot evaluate at all (an unreadable job file, say).
 */
export async function evaluateJobCommand(
  jobFile: string,
  outcomeFile: string,
  write: (text: string) => void,
): Promise<void> {
  const job = readJobFile(jobFile);
  const interrupt = listenForInterrupt({
    write,
    stopping: 'evaluate-job: stopping the evaluation (signal received)\n',
    forced: 'evaluate-job: stopped at once\n',
  });
  try {
    const outcome = await runSandboxed(job, { abortSignal: interrupt.signal });
    writeAtomically(outcomeFile, `${JSON.stringify(outcome)}\n`);
    write(`evaluate-job: ${summary(outcome)}\n`);
  } finally {
    interrupt.dispose();
  }
}
