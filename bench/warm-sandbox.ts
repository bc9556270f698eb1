/**
 * What a warm sandbox saves one evaluation: the time from asking for an evaluation to its
 * outcome, started cold (`runSandboxed(job)`) and warm (`runSandboxed(job, { warm })`, the sandbox
 * started `--head-start` ms before, as a round starts it before the candidate's design), for an
 * evaluator that only writes `results.json`, in each isolating sandbox mode of this machine.
 * Run: `npx tsx bench/warm-sandbox.ts [--runs 40] [--head-start 50]`. Cold and warm runs alternate,
 * so that the machine's load weighs on both alike. Process CPU is this process's CPU time per
 * evaluation, all threads, the warm start included (the spawner's and the sandbox's own processes
 * not included).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuUsage } from 'node:process';
import { buildEvaluatorEnv, runSandboxed, sandboxCapabilities, warmSandbox } from '../src/evaluation/index.js';
import type { EvaluationJob, SandboxSettings } from '../src/evaluation/index.js';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
}

const delay = (milliseconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, milliseconds));

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const runs = option('--runs', 40);
  const headStart = option('--head-start', 50);
  const root = mkdtempSync(join(tmpdir(), 'asi-warm-bench-'));
  const { isolation } = sandboxCapabilities();
  const modes: Array<SandboxSettings['mode']> = [
    ...(isolation.bubblewrap ? (['bubblewrap'] as const) : []),
    ...(isolation.unshare ? (['unshare'] as const) : []),
  ];
  let counter = 0;
  const job = (mode: SandboxSettings['mode']): EvaluationJob => {
    counter += 1;
    return {
      stepDir: join(root, 'steps', `step_${counter}`),
      experimentDir: root,
      command: `printf '{"eval_score": 0.5, "success": true}' > results.json`,
      program: 'scale = 1\n',
      programFile: 'program.py',
      timeoutMs: 30_000,
      killGraceMs: 500,
      maxOutputBytes: 64 * 1024,
      limits: {},
      env: buildEvaluatorEnv(process.env, [], {}),
      sandbox: { mode, network: false, readPaths: [] },
    };
  };
  console.log(
    `Warm sandbox: ${runs} evaluations each, cold and warm alternating; warm ones started ${headStart} ms ahead`,
  );
  console.log('mode        cold ms  warm ms  cold process CPU ms  warm process CPU ms');
  try {
    for (const mode of modes) {
      const wall = { cold: [] as number[], warm: [] as number[] };
      const cpu = { cold: 0, warm: 0 };
      for (let run = 0; run < runs; run++) {
        for (const kind of ['cold', 'warm'] as const) {
          const evaluation = job(mode);
          const { program: _program, ...shape } = evaluation;
          // From before the warm start, the head start included: the spawner starts it then.
          const cpuBefore = cpuUsage();
          const warm = kind === 'warm' ? (warmSandbox(shape) ?? undefined) : undefined;
          await delay(headStart);
          const started = performance.now();
          const outcome = await runSandboxed(evaluation, { warm });
          wall[kind].push(performance.now() - started);
          const used = cpuUsage(cpuBefore);
          cpu[kind] += (used.user + used.system) / 1000;
          if (outcome.status !== 'ok') throw new Error(`${mode} ${kind}: ${outcome.shortMessage}`);
        }
      }
      console.log(
        `${mode.padEnd(10)} ${median(wall.cold).toFixed(1).padStart(8)} ${median(wall.warm).toFixed(1).padStart(8)} ${(cpu.cold / runs).toFixed(1).padStart(19)} ${(cpu.warm / runs).toFixed(1).padStart(19)}`,
      );
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
