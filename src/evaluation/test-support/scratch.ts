import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { sandboxCapabilities } from '../capabilities.js';
import { buildEvaluatorEnv } from '../env.js';
import type { EvaluationJob, SandboxSettings } from '../outcome.js';
import { stepFolderName } from '../../domain/index.js';

/** Temp folders for tests, removed by `cleanup()`. */
export function createScratch(): {
  /** The experiment folder of every job; step folders go under its `steps/`. */
  root: string;
  job(overrides: Partial<EvaluationJob>): EvaluationJob;
  cleanup(): void;
} {
  const root = mkdtempSync(join(tmpdir(), 'asi-sandbox-'));
  let counter = 0;
  return {
    root,
    job(overrides) {
      counter += 1;
      return {
        stepDir: join(root, 'steps', stepFolderName(counter)),
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

/** PIDs of live processes (zombies excluded) whose command line contains `marker`, this process excluded. */
export function processesWithArgument(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let commandLine: string;
    try {
      commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      continue;
    }
    if (commandLine.includes(marker) && isRunning(Number(entry))) found.push(Number(entry));
  }
  return found;
}

/**
 * The processes still running with `marker` in their command line after up to `graceMs` (the
 * kernel may take a moment to tear a namespace down); they are then killed, so that a failing
 * test leaves nothing behind.
 */
export async function survivorsOf(marker: string, graceMs = 2_000): Promise<number[]> {
  const deadline = Date.now() + graceMs;
  let left = processesWithArgument(marker);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    left = processesWithArgument(marker);
  }
  for (const pid of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  return left;
}

/** A marker unique to one test run, to find its processes by command line (e.g. `sleep <marker>`). */
export function uniqueSleepSeconds(): string {
  return `${1000 + Math.floor(Math.random() * 8000)}.${String(process.pid).padStart(6, '0')}${Math.floor(Math.random() * 1000)}`;
}

/** The sandbox modes this machine offers, strongest first (`none` always), for tests run under each. */
export function sandboxModesHere(): Array<SandboxSettings['mode']> {
  const { isolation } = sandboxCapabilities();
  return [
    ...(isolation.bubblewrap ? (['bubblewrap'] as const) : []),
    ...(isolation.unshare ? (['unshare'] as const) : []),
    'none',
  ];
}

/**
 * Runs `lines` as a TypeScript module in a Node process of its own (a holder of sandboxes, for
 * tests that SIGKILL it) and resolves with that process once it printed its first line, and the line.
 */
export async function startHolder(
  path: string,
  lines: readonly string[],
): Promise<{ child: ChildProcessByStdio<null, Readable, null>; said: string }> {
  writeFileSync(path, lines.join('\n'));
  const child = spawn(process.execPath, ['--import', 'tsx', path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const said = await new Promise<string>((resolve) =>
    child.stdout.once('data', (chunk: Buffer) => resolve(String(chunk).trim())),
  );
  return { child, said };
}
