/**
 * What the framework itself costs per round, and how that changes with the size of the database.
 * Run: `npm run build && npx tsx bench/round-overhead.ts` (sizes 0, 10,000 and 100,000 nodes), or
 * give sizes and options: `npx tsx bench/round-overhead.ts 0 10000 --rounds 40 --cache /tmp/round-bench`.
 *
 * For each size, a database of that many nodes is built through the store in one transaction
 * (realistic sizes: a 2.6 kB program, a 1.4 kB analysis, a 300-byte motivation, two small LLM
 * calls and one run event per node; a fifth of the rounds failed). Then the built CLI,
 * `asi-evolve run DIR --steps N`, resumes the experiment for `--rounds` more rounds (100) against an
 * OpenAI-compatible stand-in on loopback (in this process) that answers at once, with one
 * worker, the novelty gate and re-evaluation off, and an evaluator that only writes
 * `results.json`, in whichever sandbox the machine offers. A round is then 2 LLM calls and 1
 * evaluation, and all of its time is the framework's. Each size is measured `--repeat` times (3),
 * in passes over all sizes, each pass in a fresh copy of the experiment; the table shows the
 * median over the passes (peak memory: the largest), and each pass's ms/round. A shared host that
 * slows down for a minute (by a third on the development machine, the CPU per round with it) then
 * shifts one pass of every size, not the whole of one size. Measured from outside the process:
 *
 * - start-up: from spawning `asi-evolve run` (Node's own start included) to the first model
 *   request; at 0 nodes that includes evaluating the seed (twice). Start-up CPU: the run
 *   process's CPU time until then (read within 10 ms of the request), steadier on a busy machine.
 * - ms/round: median (and p90) interval between two `[round …]` progress lines, the first 3
 *   rounds left out (JIT warm-up). CPU ms/round: the CPU time (user + system) per round of the run
 *   process and of its spawner (the small process that starts evaluations for it), the evaluator
 *   processes not included: what the framework costs when the machine is busy.
 *   main thread: the CPU time of its main thread alone per round (/proc/PID/task/PID/stat), the
 *   event loop every round waits on; the rest is libuv's thread pool, the GC's threads and the spawner.
 * - peak RSS: the run process's VmHWM, read from /proc at the last round. spawner: the spawner's
 *   VmHWM, and in brackets the part that is its own (anonymous memory; the rest is the Node
 *   binary and libraries, shared with the run).
 * - status: the status command in this process (the database reads and formatting), and
 *   `asi-evolve status DIR` as a whole process (Node's start and module loading included).
 *
 * `--workers N --eval-sleep S` runs N rounds at once with an evaluator that sleeps S seconds, and
 * adds the throughput as a share of the ideal N/S rounds per second (the issue's check:
 * `5000 --workers 4 --eval-sleep 1 --rounds 24`).
 *
 * `--objectives N` (2 or 3) configures N objectives (eval_score and accuracy maximised, then
 * latency minimised; the stored nodes have all three, the evaluator reports random values), so
 * that sampling and the prompts' standings rank nodes into Pareto fronts each round.
 *
 * `--sandbox MODE` sets the evaluator's sandbox mode (`bubblewrap`, `unshare`, `none`) instead of `auto`.
 *
 * `--cache DIR` keeps the built databases in DIR and copies them for each measurement, so
 * a second invocation does not build 100,000 nodes again (without it, each size is built once per
 * invocation). `--profile DIR` writes a CPU profile
 * of each run process (node --cpu-prof) into DIR. Linux only (/proc).
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { statusCommand } from '../src/cli/actions/inspect.js';
import { childrenOf } from '../src/evaluation/index.js';
import { agentReply } from '../src/llm/test-support/agent-responder.js';
import { startFakeOpenAIServer } from '../src/llm/test-support/fake-openai-server.js';
import { createRandom } from '../src/random.js';
import { openStore } from '../src/store/index.js';
import { programText, storedCall, storedNode } from './support/stored-nodes.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const warmUpRounds = 3;

// ---------------------------------------------------------------------------------------------
// The experiment and its stored nodes

/** How the run is set up: workers, and seconds each evaluation sleeps before writing its results. */
interface RunShape {
  workers: number;
  evalSleep: number;
  /** Objectives configured (0: one score): eval_score, accuracy, then latency (minimised). */
  objectives: number;
  /** `evaluator.sandbox.mode` written into the config; null leaves the default (`auto`). */
  sandboxMode: string | null;
}

const benchObjectives = [
  { name: 'eval_score', direction: 'maximize' },
  { name: 'accuracy', direction: 'maximize' },
  { name: 'latency', direction: 'minimize' },
];

function writeExperiment(
  dir: string,
  standInUrl: string | null,
  shape: RunShape = { workers: 1, evalSleep: 0, objectives: 0, sandboxMode: null },
): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'input.md'), 'Tune the constant `scale` of the program to maximise the score.\n');
  writeFileSync(join(dir, 'initial_program'), programText(0));
  const api =
    standInUrl === null
      ? ''
      : `api:\n  model: stand-in\n  base_url: ${standInUrl}\n  retry_delay: 0.05\n  timeout: 30\n`;
  // With objectives, each evaluation reports values drawn at random (seeded by its process id), so
  // that new nodes land anywhere in the fronts, as they do in a real run.
  const results =
    shape.objectives === 0
      ? `printf '{"eval_score": 0.5, "success": true}' > results.json`
      : `awk -v seed=$$ 'BEGIN { srand(seed); printf "{\\"eval_score\\": %.4f, \\"accuracy\\": %.4f, \\"latency\\": %.4f, \\"success\\": true}", rand(), rand(), rand() }' > results.json`;
  const objectives =
    shape.objectives === 0
      ? ''
      : `objectives:\n  metrics:\n${benchObjectives
          .slice(0, shape.objectives)
          .map((objective) => `    - name: ${objective.name}\n      direction: ${objective.direction}\n`)
          .join('')}`;
  writeFileSync(
    join(dir, 'config.yaml'),
    `${api}pipeline:
  parallel:
    num_workers: ${shape.workers}
  novelty:
    enabled: false
evaluator:
  command: ${JSON.stringify(`${shape.evalSleep > 0 ? `sleep ${shape.evalSleep}; ` : ''}${results}`)}
  reproduce:
    count: 0
${shape.sandboxMode === null ? '' : `  sandbox:\n    mode: ${shape.sandboxMode}\n`}${objectives}`,
  );
}

/** Builds (or copies from the cache) an experiment whose database holds `size` nodes. */
/**
 * Writes a file's pages to disk now. A database copied or built here (700 MB at 100,000 nodes) is
 * otherwise written back by the kernel about 30 s later, which on two CPUs falls on a later
 * measurement: the next size's, or the next invocation's.
 */
function settleOnDisk(path: string): void {
  const descriptor = openSync(path, 'r+');
  try {
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
}

function prepareExperiment(
  size: number,
  pass: number,
  cacheDir: string,
  workDir: string,
): { dir: string; buildMs: number | null } {
  // A folder of its own per pass: removing the last pass's would slow this one (see main).
  const dir = join(workDir, `size-${size}-pass-${pass + 1}`);
  writeExperiment(dir, null);
  const database = join(dir, 'asi-evolve.db');
  const cached = join(cacheDir, `nodes-${size}.db`);
  if (existsSync(cached)) {
    // Opened read-write once: a cache built by an older version is migrated in place.
    openStore(cached).close();
    copyFileSync(cached, database);
    settleOnDisk(database);
    return { dir, buildMs: null };
  }
  const started = performance.now();
  const store = openStore(database);
  try {
    const random = createRandom(`round-overhead:${size}`);
    store.transaction(() => {
      for (let step = 0; step < size; step++) {
        store.insertNode(storedNode(step, random), {
          calls: [storedCall(step, 'researcher'), storedCall(step, 'analyzer')],
          events: [{ type: 'round-end', message: `step ${step}` }],
        });
      }
    });
  } finally {
    store.close();
  }
  const buildMs = performance.now() - started;
  mkdirSync(dirname(cached), { recursive: true });
  // One file: the WAL was checkpointed when the store closed.
  copyFileSync(database, cached);
  settleOnDisk(cached);
  settleOnDisk(database);
  return { dir, buildMs };
}

// ---------------------------------------------------------------------------------------------
// The run, as a user starts it

interface RunMeasure {
  startupMs: number;
  /** CPU time of the run process (user + system) from its start to the first model request. */
  startupCpuMs: number;
  roundMs: number[];
  /** CPU time of the run process and its spawner (user + system) per round, evaluator processes not included. */
  cpuMsPerRound: number;
  /** CPU time of its main thread per round: what the event loop spends, without libuv's and the workers' threads. */
  mainCpuMsPerRound: number;
  /** Rounds per second after the warm-up rounds. */
  roundsPerSecond: number;
  peakRssMb: number;
  /** The spawner's peak resident set, and its anonymous (own) part, in MB; 0 when none was seen. */
  spawnerPeakRssMb: number;
  spawnerAnonMb: number;
  sandbox: string;
}

/** One pass over one size: the experiment's build (null when copied), the status command's times, the run. */
interface SizeMeasure {
  buildMs: number | null;
  status: number;
  statusCli: number;
  run: RunMeasure;
}

/** utime + stime of a process in ms, and its peak resident set (VmHWM) in MB; null once it is gone. */
function processUsage(pid: number): { cpuMs: number; mainCpuMs: number; peakRssMb: number } | null {
  try {
    const cpuMsOf = (statFile: string): number => {
      const stat = readFileSync(statFile, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
    };
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return {
      cpuMs: cpuMsOf(`/proc/${pid}/stat`),
      // The main thread alone (its task id is the process id): the event loop every round waits on.
      mainCpuMs: cpuMsOf(`/proc/${pid}/task/${pid}/stat`),
      peakRssMb: Number(hwm?.[1] ?? 0) / 1024,
    };
  } catch {
    return null;
  }
}

/** The run's spawner (the child titled asi-evolve-spawner), or null before it starts. */
function spawnerOf(runPid: number): number | null {
  for (const child of childrenOf(runPid) ?? []) {
    try {
      if (readFileSync(`/proc/${child}/cmdline`, 'utf8').startsWith('asi-evolve-spawner')) return child;
    } catch {
      // gone meanwhile
    }
  }
  return null;
}

/** A process's anonymous resident memory (RssAnon) in MB, or 0 once it is gone. */
function anonymousMb(pid: number): number {
  try {
    return Number(/RssAnon:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

const clockTicks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/**
 * Spawns `asi-evolve run DIR` (the built package) for `rounds` more rounds against a loopback
 * stand-in, and times it from outside: the first model request, each `[round …]` line, the
 * process's CPU time and peak memory from /proc.
 */
async function measureRun(
  dir: string,
  stored: number,
  rounds: number,
  shape: RunShape,
  profileDir: string | null,
): Promise<RunMeasure> {
  const server = await startFakeOpenAIServer(Array.from({ length: rounds * 4 + 8 }, () => agentReply));
  try {
    writeExperiment(dir, server.url, shape);
    const steps = Math.max(0, stored - 1) + rounds;
    const started = performance.now();
    const nodeArgs = profileDir === null ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir];
    const child = spawn(
      process.execPath,
      [...nodeArgs, join(repoRoot, 'bin', 'asi-evolve.js'), 'run', dir, '--steps', String(steps)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const pid = child.pid as number;
    let firstRequestAt: number | null = null;
    let startupCpuMs = Number.NaN;
    const roundEnds: number[] = [];
    const cpuAtRound: number[] = [];
    const mainCpuAtRound: number[] = [];
    let peakRssMb = 0;
    let sandbox = '';
    let stderr = '';
    let spawner: number | null = null;
    let spawnerPeakRssMb = 0;
    let spawnerAnonMb = 0;
    /** Records peak memory (and the start-up CPU time at the first request); returns the CPU ms of the run and its spawner, and of the run's main thread. */
    const sample = (): { all: number; main: number } => {
      const usage = processUsage(pid);
      if (usage !== null) peakRssMb = Math.max(peakRssMb, usage.peakRssMb);
      spawner ??= spawnerOf(pid);
      const spawnerUsage = spawner === null ? null : processUsage(spawner);
      if (spawner !== null && spawnerUsage !== null) {
        spawnerPeakRssMb = Math.max(spawnerPeakRssMb, spawnerUsage.peakRssMb);
        spawnerAnonMb = Math.max(spawnerAnonMb, anonymousMb(spawner));
      }
      if (firstRequestAt === null && server.requests.length > 0) {
        firstRequestAt = performance.now();
        startupCpuMs = usage?.cpuMs ?? Number.NaN;
      }
      return { all: (usage?.cpuMs ?? Number.NaN) + (spawnerUsage?.cpuMs ?? 0), main: usage?.mainCpuMs ?? Number.NaN };
    };
    // Every 10 ms until the first request, whose poll reads the start-up CPU time. After that the
    // run is read from /proc only at the round lines the figures need (the first after the warm-up
    // and the last): on a machine of two CPUs, reading it every round took CPU from the run itself.
    const poll = setInterval(() => {
      sample();
      if (firstRequestAt !== null) clearInterval(poll);
    }, 10);
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('Sandbox:')) sandbox = line;
        if (!line.startsWith('[round ')) continue;
        roundEnds.push(performance.now());
        const index = roundEnds.length - 1;
        if (index !== warmUpRounds && index !== rounds - 1) continue;
        const cpu = sample();
        cpuAtRound[index] = cpu.all;
        mainCpuAtRound[index] = cpu.main;
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    // The first request may come between two polls: the server's own record of it is exact enough.
    const code = await new Promise<number | null>((resolvePromise) => child.on('close', resolvePromise));
    clearInterval(poll);
    if (code !== 0) throw new Error(`asi-evolve run exited with ${code}:\n${stderr}`);
    const intervals = roundEnds
      .slice(1)
      .map((end, index) => end - (roundEnds[index] as number))
      .slice(warmUpRounds - 1);
    const perRound = (values: number[]): number =>
      ((values[roundEnds.length - 1] ?? Number.NaN) - (values[warmUpRounds] ?? Number.NaN)) /
      Math.max(1, roundEnds.length - 1 - warmUpRounds);
    return {
      startupMs: (firstRequestAt ?? Number.NaN) - started,
      startupCpuMs,
      roundMs: intervals,
      cpuMsPerRound: perRound(cpuAtRound),
      mainCpuMsPerRound: perRound(mainCpuAtRound),
      roundsPerSecond:
        (roundEnds.length - 1 - warmUpRounds) /
        (((roundEnds[roundEnds.length - 1] as number) - (roundEnds[warmUpRounds] as number)) / 1000),
      peakRssMb,
      spawnerPeakRssMb,
      spawnerAnonMb,
      sandbox,
    };
  } finally {
    await server.close();
  }
}

/** Median wall time of `asi-evolve status DIR` as a process (Node's own start included). */
function statusCliMs(dir: string): number {
  const times: number[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    const started = performance.now();
    const result = spawnSync(process.execPath, [join(repoRoot, 'bin', 'asi-evolve.js'), 'status', dir], {
      stdio: 'ignore',
    });
    if (result.status !== 0) throw new Error(`asi-evolve status exited with ${result.status}`);
    times.push(performance.now() - started);
  }
  return percentile(times, 0.5);
}

/** Median time of the status command itself, in this process (modules already loaded). */
async function statusInProcessMs(dir: string): Promise<number> {
  const times: number[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    const started = performance.now();
    await statusCommand(dir, () => {});
    times.push(performance.now() - started);
  }
  return percentile(times, 0.5);
}

// ---------------------------------------------------------------------------------------------
// The table

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

const ms = (value: number | null): string =>
  value === null || !Number.isFinite(value)
    ? '-'
    : value >= 1000
      ? `${(value / 1000).toFixed(2)} s`
      : `${value.toFixed(1)} ms`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string): string | null => {
    const index = args.indexOf(name);
    return index === -1 ? null : (args[index + 1] ?? null);
  };
  const rounds = Number(option('--rounds') ?? 100);
  const repeat = Math.max(1, Number(option('--repeat') ?? 3));
  const cacheDir = option('--cache');
  const profileDir = option('--profile');
  const shape: RunShape = {
    workers: Number(option('--workers') ?? 1),
    evalSleep: Number(option('--eval-sleep') ?? 0),
    objectives: Number(option('--objectives') ?? 0),
    sandboxMode: option('--sandbox'),
  };
  const valued = [
    '--rounds',
    '--repeat',
    '--cache',
    '--profile',
    '--workers',
    '--eval-sleep',
    '--objectives',
    '--sandbox',
  ];
  const sizes = args.filter((arg, index) => /^\d+$/.test(arg) && !valued.includes(args[index - 1] ?? '')).map(Number);
  if (!existsSync(join(repoRoot, 'dist', 'cli', 'main.js'))) {
    console.error('bench/round-overhead.ts runs the built CLI: run `npm run build` first.');
    process.exitCode = 1;
    return;
  }
  const ideal = shape.evalSleep > 0 ? shape.workers / shape.evalSleep : null;
  const workDir = mkdtempSync(join(tmpdir(), 'asi-evolve-round-bench-'));
  const fileCreationMs = timeFileCreation(workDir);
  const header = [
    'nodes stored',
    'build',
    'start-up',
    'start-up CPU',
    'ms/round',
    'each pass',
    'p90',
    'CPU ms/round',
    'main thread',
    'status',
    'status (CLI)',
    'peak RSS',
    'spawner',
  ];
  const rows: string[][] = [ideal === null ? header : [...header, 'of ideal throughput']];
  let sandbox = '';
  const measuredSizes = sizes.length > 0 ? sizes : [0, 10_000, 100_000];
  const passes = new Map<number, SizeMeasure[]>(measuredSizes.map((size) => [size, []]));
  // Without --cache, each size is built once here and copied for the later passes.
  const databases = cacheDir === null ? join(workDir, 'built') : resolve(cacheDir);
  try {
    // Passes interleaved (every size, then every size again): a host that slows down for a while
    // (a busy neighbour on a shared machine) then weighs on one pass of each size, not on one size.
    for (let pass = 0; pass < repeat; pass++) {
      for (const size of measuredSizes) {
        const { dir, buildMs } = prepareExperiment(size, pass, databases, workDir);
        const status = await statusInProcessMs(dir);
        const statusCli = statusCliMs(dir);
        const run = await measureRun(dir, size, rounds, shape, profileDir === null ? null : resolve(profileDir));
        sandbox ||= run.sandbox;
        passes.get(size)?.push({ buildMs, status, statusCli, run });
      }
    }
  } finally {
    // Removed at the end, not after each size: on ext4 without a journal, a file made within
    // minutes of thousands removed in the same place skips their inodes one by one (about
    // 0.5 ms a file on the development machine), which the next size would pay.
    rmSync(workDir, { recursive: true, force: true });
  }
  for (const size of measuredSizes) {
    const measured = passes.get(size) ?? [];
    const median = (pick: (pass: SizeMeasure) => number): number => percentile(measured.map(pick), 0.5);
    const largest = (pick: (pass: SizeMeasure) => number): number => Math.max(...measured.map(pick));
    const roundMs = measured.map((pass) => percentile(pass.run.roundMs, 0.5));
    const built = measured.find((pass) => pass.buildMs !== null)?.buildMs ?? null;
    const row = [
      size.toLocaleString('en'),
      ms(built),
      ms(median((pass) => pass.run.startupMs)),
      ms(median((pass) => pass.run.startupCpuMs)),
      ms(percentile(roundMs, 0.5)),
      roundMs.map((value) => value.toFixed(1)).join(', '),
      ms(median((pass) => percentile(pass.run.roundMs, 0.9))),
      ms(median((pass) => pass.run.cpuMsPerRound)),
      ms(median((pass) => pass.run.mainCpuMsPerRound)),
      ms(median((pass) => pass.status)),
      ms(median((pass) => pass.statusCli)),
      `${largest((pass) => pass.run.peakRssMb).toFixed(0)} MB`,
      largest((pass) => pass.run.spawnerPeakRssMb) === 0
        ? '-'
        : `${largest((pass) => pass.run.spawnerPeakRssMb).toFixed(0)} MB (${largest((pass) => pass.run.spawnerAnonMb).toFixed(0)} own)`,
    ];
    const throughput = median((pass) => pass.run.roundsPerSecond);
    rows.push(ideal === null ? row : [...row, `${((100 * throughput) / ideal).toFixed(1)} %`]);
  }
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const evaluator =
    shape.evalSleep > 0
      ? `evaluator sleeps ${shape.evalSleep} s, then writes results.json`
      : 'evaluator writes results.json only';
  console.log(
    `Round overhead: ${rounds} rounds per size, ${shape.workers} worker(s), ${shape.objectives === 0 ? 'one score' : `${shape.objectives} objectives (pareto policy)`}, instant stand-in model, ${evaluator}; ${cpus().length} CPUs, load average ${load}`,
  );
  if (sandbox) console.log(sandbox.length > 100 ? `${sandbox.slice(0, 99)}…` : sandbox);
  console.log(`A new file in ${tmpdir()}: ${fileCreationMs.toFixed(3)} ms (a round makes about ten)`);
  const widths = (rows[0] as string[]).map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  for (const row of rows) {
    console.log(
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
        .join('  '),
    );
  }
}

/**
 * What making one small file in a new folder of `workDir` costs, in ms: a round makes about ten
 * (the step folder, the program, the logs, the transcripts). Usually 0.02–0.1 ms; on ext4
 * without a journal, within minutes of many files removed nearby (a test run, an earlier bench),
 * each skips the freed inodes one by one: 0.3–0.5 ms on the development machine, which shows in
 * the CPU per round. The files stay until the work folder is removed, at the end.
 */
function timeFileCreation(workDir: string): number {
  const count = 100;
  const started = performance.now();
  for (let index = 0; index < count; index++) {
    const folder = join(workDir, 'file-probe', String(index));
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'file'), 'x');
  }
  return (performance.now() - started) / (2 * count);
}

await main();
