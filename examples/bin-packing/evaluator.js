// Evaluator of the online bin-packing example (FunSearch style, Weibull instances).
//
//   node evaluator.js [candidate] [--instances N] [--items N] [--seed S] [--timeout SECONDS]
//
// Defaults: 5 instances × 5,000 items (seeds 0–4), 60 s; each also from BIN_PACKING_INSTANCES,
// BIN_PACKING_ITEMS, BIN_PACKING_SEED, BIN_PACKING_TIMEOUT_S. The candidate module runs in a child
// process; its packing is replayed here under the online rules, and results.json gets the mean
// excess over the L1 lower bound, eval_score = −excess_percent (higher is better), per-instance
// figures, and the first-fit and best-fit baselines on the same instances.

import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CAPACITY, bestFit, countBins, firstFit, lowerBound, packOnline, weibullItems } from './packing.js';

const here = dirname(fileURLToPath(import.meta.url));
const FAILED_SCORE = -100;
const OUTPUT_TAIL_CHARS = 4000;

function parseArguments(argv, env) {
  const options = {
    candidate: undefined,
    instances: Number(env.BIN_PACKING_INSTANCES ?? 5),
    items: Number(env.BIN_PACKING_ITEMS ?? 5000),
    seed: Number(env.BIN_PACKING_SEED ?? 0),
    timeoutS: Number(env.BIN_PACKING_TIMEOUT_S ?? 60),
  };
  const flags = { '--instances': 'instances', '--items': 'items', '--seed': 'seed', '--timeout': 'timeoutS' };
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index];
    if (argument in flags) {
      options[flags[argument]] = Number(argv[index + 1]);
      index += 1;
    } else if (options.candidate === undefined) {
      options.candidate = argument;
    }
  }
  options.candidate ??= env.ASI_PROGRAM_PATH ?? 'code';
  for (const [name, minimum] of [
    ['instances', 1],
    ['items', 1],
    ['seed', 0],
  ]) {
    if (!Number.isInteger(options[name]) || options[name] < minimum)
      throw new Error(`--${name} must be an integer ≥ ${minimum}`);
  }
  if (!(options.timeoutS > 0)) throw new Error('--timeout must be a positive number of seconds');
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

/** Runs the candidate in a child process on the instances; never rejects. */
function runHeuristic(moduleFile, instances, timeoutS) {
  return new Promise((settle) => {
    const scratch = dirname(moduleFile);
    const [file, ...args] = sandboxed([process.execPath, join(here, 'run-heuristic.js')], scratch);
    const child = spawn(file, args, {
      cwd: scratch,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let output = '';
    let reply;
    let settled = false;
    const keep = (chunk) => {
      output = (output + chunk).slice(-OUTPUT_TAIL_CHARS);
    };
    const finish = (outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      settle({ ...outcome, output });
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      child.stdout.destroy();
      child.stderr.destroy();
      finish({ error: `the heuristic timed out after ${timeoutS} s` });
    }, timeoutS * 1000);
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let messages = 0;
    child.on('message', (message) => {
      messages += 1;
      reply = messages === 1 ? message : { error: "the heuristic's process sent messages of its own" };
    });
    child.on('error', (error) => finish({ error: `could not start the heuristic's process: ${error.message}` }));
    child.send({ candidate: moduleFile, instances, capacity: CAPACITY });
    child.on('exit', (code, signal) => {
      if (reply?.error !== undefined) return finish({ error: reply.error });
      if (reply?.assignments !== undefined) return finish({ assignments: reply.assignments });
      const how = signal === null ? `exited with code ${code}` : `was killed by ${signal}`;
      finish({ error: `the program ${how} before finishing the packing` });
    });
  });
}

const percent = (bins, bound) => ((bins - bound) / bound) * 100;
const mean = (values) => values.reduce((total, value) => total + value, 0) / values.length;
const round = (value, digits = 4) => Number(value.toFixed(digits));

async function evaluate(options) {
  const started = performance.now();
  const candidate = resolve(options.candidate);
  const seeds = Array.from({ length: options.instances }, (_, index) => options.seed + index);
  const instances = seeds.map((seed) => weibullItems(options.items, seed));
  const bounds = instances.map((items) => lowerBound(items));
  const firstFitBins = instances.map((items) => countBins(items, packOnline(items, firstFit)));
  const bestFitBins = instances.map((items) => countBins(items, packOnline(items, bestFit)));
  const baselines = {
    num_instances: options.instances,
    num_items: options.items,
    capacity: CAPACITY,
    first_fit_excess_percent: round(mean(firstFitBins.map((bins, index) => percent(bins, bounds[index])))),
    best_fit_excess_percent: round(mean(bestFitBins.map((bins, index) => percent(bins, bounds[index])))),
  };
  const failure = (error, output = '') => ({ eval_score: FAILED_SCORE, success: false, error, ...baselines, output });
  if (!existsSync(candidate)) return failure(`candidate not found: ${candidate}`);

  // `.mjs` makes the candidate an ES module whatever package.json lies above the step folder.
  mkdirSync(resolve('candidate'), { recursive: true });
  const moduleFile = resolve('candidate', 'candidate.mjs');
  if (moduleFile !== candidate) copyFileSync(candidate, moduleFile);
  const run = await runHeuristic(moduleFile, instances, options.timeoutS);
  if (run.error !== undefined) return failure(run.error, run.output);
  let candidateBins;
  try {
    candidateBins = instances.map((items, index) => countBins(items, run.assignments[index]));
  } catch (error) {
    return failure(`the packing breaks the online rules: ${error.message}`, run.output);
  }
  const excess = mean(candidateBins.map((bins, index) => percent(bins, bounds[index])));
  return {
    eval_score: round(-excess),
    success: true,
    excess_percent: round(excess),
    ...baselines,
    improvement_over_best_fit: round(baselines.best_fit_excess_percent - excess),
    mean_bins: round(mean(candidateBins), 2),
    instances: seeds.map((seed, index) => ({
      seed,
      lower_bound: bounds[index],
      bins: candidateBins[index],
      excess_percent: round(percent(candidateBins[index], bounds[index])),
      first_fit_bins: firstFitBins[index],
      best_fit_bins: bestFitBins[index],
    })),
    run_time_s: round((performance.now() - started) / 1000, 3),
    output: run.output,
  };
}

let results;
try {
  results = await evaluate(parseArguments(process.argv.slice(2), process.env));
} catch (error) {
  results = { eval_score: FAILED_SCORE, success: false, error: `evaluator: ${error.message}` };
}
const { output, ...fields } = results;
writeFileSync(resolve('results.json'), `${JSON.stringify(fields, null, 2)}\n`);
if (output) process.stdout.write(`--- heuristic output (tail) ---\n${output}\n`);
if (fields.success) {
  process.stdout.write(
    `excess over L1: ${fields.excess_percent.toFixed(2)} % (first fit ${fields.first_fit_excess_percent.toFixed(2)} %, ` +
      `best fit ${fields.best_fit_excess_percent.toFixed(2)} %) on ${fields.num_instances} × ${fields.num_items} items\n`,
  );
  for (const instance of fields.instances) {
    process.stdout.write(
      `  seed ${instance.seed}: L1 ${instance.lower_bound}, bins ${instance.bins} (${instance.excess_percent.toFixed(2)} %), ` +
        `first fit ${instance.first_fit_bins}, best fit ${instance.best_fit_bins}\n`,
    );
  }
} else {
  process.stdout.write(`failed: ${fields.error}\n`);
}
