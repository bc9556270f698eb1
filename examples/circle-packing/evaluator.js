// Evaluator of the circle-packing example (26 circles in the unit square, maximise the sum of radii).
//
//   node evaluator.js [candidate] [--timeout SECONDS]
//
// Runs the candidate with `node` in a child process (as an ES module, from the working directory),
// reads the JSON it prints, checks the packing, recomputes the sum of the radii and writes
// results.json in the working directory: eval_score (the sum, 0 when invalid), success, error,
// and the metrics. It exits 0 whenever it could write results.json, valid packing or not.

import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const CIRCLES = 26;
const TOLERANCE = 1e-6;
const BEST_KNOWN = 2.6359830849;
const DEFAULT_TIMEOUT_S = 20;
const MAX_STDOUT_BYTES = 8 * 1024 * 1024;
const STDERR_TAIL_CHARS = 4000;

function parseArguments(argv, env) {
  const options = { candidate: undefined, timeoutS: Number(env.CIRCLE_PACKING_TIMEOUT_S ?? DEFAULT_TIMEOUT_S) };
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index];
    if (argument === '--timeout') {
      options.timeoutS = Number(argv[index + 1]);
      index += 1;
    } else if (options.candidate === undefined) {
      options.candidate = argument;
    }
  }
  options.candidate ??= env.ASI_PROGRAM_PATH ?? 'code';
  if (!Number.isFinite(options.timeoutS) || options.timeoutS <= 0) options.timeoutS = DEFAULT_TIMEOUT_S;
  return options;
}

/**
 * The candidate's command line, through $ASI_SANDBOX_EXEC when the evaluation provides it: the
 * candidate can write its scratch folder only (never results.json), and nothing it starts outlives it.
 */
function sandboxed(command, scratch) {
  const sandbox = process.env.ASI_SANDBOX_EXEC;
  return sandbox ? [sandbox, '--scratch', scratch, '--', ...command] : command;
}

/** Runs `node file` in `cwd`, the candidate's scratch folder; never rejects. */
function runProgram(file, cwd, timeoutS) {
  return new Promise((settle) => {
    const started = performance.now();
    const [command, ...args] = sandboxed([process.execPath, file], cwd);
    const child = spawn(command, args, { cwd, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stdoutBytes = 0;
    let stderr = '';
    let settled = false;
    const finish = (outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      settle({ ...outcome, stdout, stderr, runTimeS: (performance.now() - started) / 1000 });
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      // A grandchild may hold the pipes open: stop reading instead of waiting for them to close.
      child.stdout.destroy();
      child.stderr.destroy();
      finish({ kind: 'timeout' });
    }, timeoutS * 1000);
    child.stdout.on('data', (chunk) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes <= MAX_STDOUT_BYTES) stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
    });
    child.on('error', (error) => finish({ kind: 'spawn-error', message: error.message }));
    child.on('close', (code, signal) => finish({ kind: 'exited', code, signal }));
  });
}

/** The packing printed by the program: the whole output as JSON, else its last non-empty line. */
function parseOutput(stdout) {
  try {
    return JSON.parse(stdout);
  } catch {
    const lines = stdout.split('\n').filter((line) => line.trim() !== '');
    const last = lines.at(-1);
    if (last === undefined)
      throw new Error('the program printed nothing; it must print {"centers": [...], "radii": [...]}');
    try {
      return JSON.parse(last);
    } catch {
      throw new Error(`the program's last output line is not JSON: ${last.slice(0, 200)}`);
    }
  }
}

/** The line of a crash report that says what went wrong (`TypeError: …`), else the last meaningful line. */
function errorLine(stderr) {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('Node.js v'));
  return (lines.findLast((line) => /^[A-Za-z]*(Error|Exception)\b/.test(line)) ?? lines.at(-1) ?? '').slice(0, 300);
}

const describe = (value) => (typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value)));
const format = (value) => Number(value.toPrecision(6)).toString();

/**
 * Checks a packing. Returns { valid, error, sum, minRadius }; `error` names the first rule
 * violated (indices count from 0). The sum is always recomputed from the radii.
 */
function checkPacking(packing) {
  const invalid = (error, sum = null, minRadius = null) => ({ valid: false, error, sum, minRadius });
  if (
    packing === null ||
    typeof packing !== 'object' ||
    !Array.isArray(packing.centers) ||
    !Array.isArray(packing.radii)
  ) {
    return invalid('the output must be an object with "centers" and "radii" arrays');
  }
  const { centers, radii } = packing;
  if (centers.length !== CIRCLES) return invalid(`expected ${CIRCLES} centers, got ${centers.length}`);
  if (radii.length !== CIRCLES) return invalid(`expected ${CIRCLES} radii, got ${radii.length}`);
  for (let index = 0; index < CIRCLES; index += 1) {
    const center = centers[index];
    if (!Array.isArray(center) || center.length !== 2)
      return invalid(`center ${index} is not a pair [x, y]: ${describe(center)}`);
    if (!center.every((value) => typeof value === 'number' && Number.isFinite(value))) {
      return invalid(`center ${index} has a coordinate that is not a finite number: ${describe(center)}`);
    }
    const radius = radii[index];
    if (typeof radius !== 'number' || !Number.isFinite(radius)) {
      return invalid(`radius ${index} is not a finite number: ${describe(radius)}`);
    }
  }
  const sum = radii.reduce((total, radius) => total + radius, 0);
  const minRadius = Math.min(...radii);
  for (let index = 0; index < CIRCLES; index += 1) {
    const radius = radii[index];
    const [x, y] = centers[index];
    if (radius < 0) return invalid(`radius ${index} is negative: ${radius}`, sum, minRadius);
    const sides = [
      ['x - r', x - radius, -TOLERANCE, 'below 0'],
      ['y - r', y - radius, -TOLERANCE, 'below 0'],
      ['x + r', x + radius, 1 + TOLERANCE, 'above 1'],
      ['y + r', y + radius, 1 + TOLERANCE, 'above 1'],
    ];
    for (const [label, value, limit, side] of sides) {
      const outside = limit < 0 ? value < limit : value > limit;
      if (outside)
        return invalid(`circle ${index} leaves the square: ${label} = ${format(value)} is ${side}`, sum, minRadius);
    }
  }
  for (let first = 0; first < CIRCLES; first += 1) {
    for (let second = first + 1; second < CIRCLES; second += 1) {
      const [x1, y1] = centers[first];
      const [x2, y2] = centers[second];
      const overlap = radii[first] + radii[second] - Math.hypot(x1 - x2, y1 - y2);
      if (overlap > TOLERANCE)
        return invalid(`circles ${first} and ${second} overlap by ${format(overlap)}`, sum, minRadius);
    }
  }
  return { valid: true, error: null, sum, minRadius };
}

async function evaluate(options) {
  const stepDir = process.cwd();
  const candidate = resolve(options.candidate);
  const base = { num_circles: null, sum_radii: null, min_radius: null, validity: 0, run_time_s: null };
  if (!existsSync(candidate))
    return { ...base, eval_score: 0, success: false, error: `candidate not found: ${candidate}` };

  // `.mjs` makes the candidate an ES module whatever package.json lies above the step folder.
  const scratch = resolve(stepDir, 'candidate');
  mkdirSync(scratch, { recursive: true });
  const moduleFile = resolve(scratch, 'candidate.mjs');
  if (moduleFile !== candidate) copyFileSync(candidate, moduleFile);
  const run = await runProgram(moduleFile, scratch, options.timeoutS);
  if (run.stderr.trim() !== '') process.stderr.write(`--- program stderr (tail) ---\n${run.stderr}\n`);
  const timing = { run_time_s: Number(run.runTimeS.toFixed(3)) };
  const fail = (error) => ({ ...base, ...timing, eval_score: 0, success: false, error });

  if (run.kind === 'timeout') return fail(`the program timed out after ${options.timeoutS} s`);
  if (run.kind === 'spawn-error') return fail(`could not start node: ${run.message}`);
  if (run.code !== 0) {
    const how = run.signal === null ? `exited with code ${run.code}` : `was killed by ${run.signal}`;
    const cause = errorLine(run.stderr);
    return fail(`the program ${how}${cause === '' ? '' : `: ${cause}`}`);
  }
  let packing;
  try {
    packing = parseOutput(run.stdout);
  } catch (error) {
    return fail(error.message);
  }
  const check = checkPacking(packing);
  const numCircles = Array.isArray(packing?.centers) ? packing.centers.length : null;
  const metrics = { ...timing, num_circles: numCircles, sum_radii: check.sum, min_radius: check.minRadius };
  if (!check.valid) return { ...base, ...metrics, eval_score: 0, success: false, error: check.error, validity: 0 };
  return {
    ...metrics,
    eval_score: check.sum,
    success: true,
    validity: 1,
    ratio_to_best_known: check.sum / BEST_KNOWN,
  };
}

const results = await evaluate(parseArguments(process.argv.slice(2), process.env));
writeFileSync(resolve(process.cwd(), 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(
  results.success ? `valid packing: sum_radii = ${results.sum_radii.toFixed(8)}\n` : `invalid: ${results.error}\n`,
);
