import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEvaluatorEnv } from '../env.js';
import type { EvaluationJob } from '../outcome.js';

/** Temp folders for tests, removed by `cleanup()`. */
export function createScratch(): { job(overrides: Partial<EvaluationJob>): EvaluationJob; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), 'asi-sandbox-'));
  let counter = 0;
  return {
    job(overrides) {
      counter += 1;
      return {
        stepDir: join(root, 'steps', `step_${counter}`),
        experimentDir: root,
        command: 'echo \'{"eval_score": 1}\' > results.json',
        program: 'print("candidate")\n',
        programFile: 'program.py',
        timeoutMs: 20_000,
        killGraceMs: 500,
        maxOutputBytes: 64 * 1024,
        limits: {},
        env: buildEvaluatorEnv(process.env, [], {}),
        ...overrides,
      };
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** True while the process can still run (a zombie no longer can, and is not reaped everywhere). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** The process ids a test evaluator wrote, one a line. */
export function readPids(path: string): number[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map(Number);
}
