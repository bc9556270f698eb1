/**
 * How long the quick commands take as whole processes, the way a person or a script runs them.
 * Run: `npm run build && npx tsx bench/cli-latency.ts` (10,000 nodes), or give sizes and the number
 * of timed runs: `npx tsx bench/cli-latency.ts 1000 10000 100000 --runs 9`.
 *
 * For each size, a database of that many nodes is built through the store in one transaction
 * (a 2.6 kB program, a 1.4 kB analysis and a 300-byte motivation per node, one LLM call each;
 * a fifth of the rounds failed). Then each command runs as `node bin/asi-evolve.js …` (the
 * built CLI): the median and the slowest of `--runs` runs (after one untimed run, so the file
 * cache is warm), Node's own start included, and the median CPU time (user + system; the steadier
 * figure on a busy machine). `node -e 0` is the floor every command pays. Linux only (/proc).
 *
 * `packages` lists the npm packages a command loaded (through a module resolve hook, in one
 * extra run): `status`, `best` and `show` should load only commander and better-sqlite3 —
 * not the dashboard, MCP, the queue, Slurm or any LLM SDK. Target: each ≤ 0.3 s at 10,000 nodes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRandom } from '../src/random.js';
import { openStore } from '../src/store/index.js';
import { storedCall, storedNode } from './support/stored-nodes.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(repoRoot, 'bin', 'asi-evolve.js');

const args = process.argv.slice(2);
const runsFlag = args.indexOf('--runs');
const runs = runsFlag >= 0 ? Number(args[runsFlag + 1]) : 7;
const sizes = args.filter((arg, index) => /^\d+$/.test(arg) && index !== runsFlag + 1).map(Number);
if (sizes.length === 0) sizes.push(10_000);

if (!existsSync(join(repoRoot, 'dist', 'cli', 'main.js'))) {
  process.stderr.write('bench/cli-latency.ts times the built CLI: run `npm run build` first.\n');
  process.exit(2);
}

function buildExperiment(dir: string, count: number): number {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'input.md'), 'Tune the constant `scale`.\n');
  const started = performance.now();
  const store = openStore(join(dir, 'asi-evolve.db'));
  const random = createRandom(`cli-latency:${count}`);
  store.transaction(() => {
    for (let step = 0; step < count; step++)
      store.insertNode(storedNode(step, random), step === 0 ? {} : { calls: [storedCall(step, 'researcher')] });
  });
  store.close();
  return performance.now() - started;
}

/** CPU time (ms, user + system) of this process's reaped children so far, from /proc (10 ms ticks). */
function childrenCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // After the command name: field 16 (cutime) and 17 (cstime) of proc(5) are at 13 and 14 here.
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

const median = (values: number[]): number =>
  [...values].sort((left, right) => left - right)[Math.floor(values.length / 2)] ?? 0;

/**
 * Median and slowest wall time (ms), and median CPU time, of `node args…` over `runs` runs after
 * one untimed run. On a busy machine the CPU time is the steadier figure.
 */
function timeProcess(nodeArgs: readonly string[]): { median: number; max: number; cpu: number } {
  const times: number[] = [];
  const cpu: number[] = [];
  for (let run = 0; run <= runs; run++) {
    const cpuBefore = childrenCpuMs();
    const started = performance.now();
    const result = spawnSync(process.execPath, nodeArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const elapsed = performance.now() - started;
    if (result.status !== 0)
      throw new Error(`node ${nodeArgs.join(' ')} exited with ${result.status}: ${result.stderr}`);
    if (run === 0) continue;
    times.push(elapsed);
    cpu.push(childrenCpuMs() - cpuBefore);
  }
  return { median: median(times), max: Math.max(...times), cpu: median(cpu) };
}

// A resolve hook that names every package a command loads, in a module the bench writes.
const hookDir = mkdtempSync(join(tmpdir(), 'asi-cli-latency-hooks-'));
writeFileSync(
  join(hookDir, 'hooks.mjs'),
  `export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  const match = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(result.url);
  if (match) process.stderr.write('LOADED-PACKAGE ' + match[1] + '\\n');
  return result;
}\n`,
);
writeFileSync(
  join(hookDir, 'register.mjs'),
  `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`,
);

function packagesLoaded(cliArgs: readonly string[]): string[] {
  const result = spawnSync(process.execPath, ['--import', join(hookDir, 'register.mjs'), cli, ...cliArgs], {
    encoding: 'utf8',
  });
  const names = new Set<string>();
  for (const line of result.stderr.split('\n'))
    if (line.startsWith('LOADED-PACKAGE ')) names.add(line.slice('LOADED-PACKAGE '.length));
  return [...names].sort();
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);
const rows: string[][] = [['nodes', 'command', 'median s', 'max s', 'CPU s', 'packages loaded']];
const floor = timeProcess(['-e', '0']);
rows.push(['-', 'node -e 0', seconds(floor.median), seconds(floor.max), seconds(floor.cpu), '']);
const root = mkdtempSync(join(tmpdir(), 'asi-cli-latency-'));
try {
  for (const size of sizes) {
    const dir = join(root, `experiment-${size}`);
    const buildMs = buildExperiment(dir, size);
    process.stderr.write(`built ${size} nodes in ${seconds(buildMs)} s\n`);
    const middle = String(Math.floor(size / 2));
    const commands: Array<[label: string, cliArgs: string[]]> = [
      ['--version', ['--version']],
      ['status', ['status', dir]],
      ['status --json', ['status', dir, '--json']],
      ['best', ['best', dir]],
      [`show ${middle}`, ['show', dir, middle]],
      [`lineage ${middle}`, ['lineage', dir, middle]],
    ];
    for (const [label, cliArgs] of commands) {
      const time = timeProcess([cli, ...cliArgs]);
      rows.push([
        String(size),
        label,
        seconds(time.median),
        seconds(time.max),
        seconds(time.cpu),
        packagesLoaded(cliArgs).join(' '),
      ]);
    }
  }
} finally {
  rmSync(root, { recursive: true, force: true });
  rmSync(hookDir, { recursive: true, force: true });
}

const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
for (const row of rows)
  process.stdout.write(
    `${row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd()}\n`,
  );
process.stdout.write(
  `(${runs} timed runs per command, after one untimed run; Node ${process.version}, ${process.platform})\n`,
);
