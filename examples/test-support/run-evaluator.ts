import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { candidateSandboxPath } from '../../src/evaluation/candidate-sandbox.js';

/** One candidate to score the way the tool does (docs/architecture.md, “The experiment folder and the evaluation contract”). */
export interface EvaluatorRunOptions {
  /** Absolute path of the example folder (it holds eval.sh). */
  experimentDir: string;
  program: string;
  /** The experiment's `evaluator.program_file`. */
  programFile: string;
  /** Arguments after the candidate path and the step folder. */
  extraArguments?: string[];
  /** Variables added to the minimal environment. */
  extraEnv?: Record<string, string>;
}

export interface EvaluatorRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** results.json, or null when the evaluator did not write one. */
  results: Record<string, unknown> | null;
  /** Wall-clock seconds of the whole run, step folder included. */
  seconds: number;
}

/**
 * Scores a candidate as the tool will: a fresh step folder as working directory, the candidate
 * as `code` and under `programFile`, `bash <experiment>/eval.sh <code> <step folder>`, and a
 * minimal environment with the candidate sandbox ($ASI_SANDBOX_EXEC). The step folder is removed afterwards.
 */
export async function runEvaluator(options: EvaluatorRunOptions): Promise<EvaluatorRun> {
  const started = performance.now();
  const stepDir = await mkdtemp(join(tmpdir(), 'asi-evolve-example-'));
  try {
    const codePath = join(stepDir, 'code');
    const programPath = join(stepDir, options.programFile);
    await writeFile(codePath, options.program);
    await writeFile(programPath, options.program);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      HOME: stepDir,
      ASI_EXPERIMENT_DIR: options.experimentDir,
      ASI_PROGRAM_PATH: programPath,
      ASI_STEP_DIR: stepDir,
      ASI_SANDBOX_EXEC: candidateSandboxPath,
      ...options.extraEnv,
    };
    const script = join(options.experimentDir, 'eval.sh');
    const argv = [script, codePath, stepDir, ...(options.extraArguments ?? [])];
    const { exitCode, stdout, stderr } = await new Promise<{ exitCode: number | null; stdout: string; stderr: string }>(
      (settle, reject) => {
        const child = spawn('bash', argv, { cwd: stepDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdoutText = '';
        let stderrText = '';
        child.stdout.on('data', (chunk: Buffer) => (stdoutText += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderrText += chunk.toString()));
        child.on('error', reject);
        child.on('close', (code) => settle({ exitCode: code, stdout: stdoutText, stderr: stderrText }));
      },
    );
    let results: Record<string, unknown> | null = null;
    try {
      results = JSON.parse(await readFile(join(stepDir, 'results.json'), 'utf8')) as Record<string, unknown>;
    } catch {
      results = null;
    }
    return { exitCode, stdout, stderr, results, seconds: (performance.now() - started) / 1000 };
  } finally {
    await rm(stepDir, { recursive: true, force: true });
  }
}
