// Evaluator of the two-objective quadrature example: accuracy against the number of function
// evaluations. Runs the candidate (in a child process, through $ASI_SANDBOX_EXEC when set) on six
// integrals and writes results.json with
//   digits        mean correct digits over the integrals (higher is better; also eval_score)
//   evaluations   mean calls of f per integral (lower is better)
//   per_integrand correct digits of each integral (the per-instance scores)

import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INTEGRANDS, digitsOf } from './integrands.js';

const here = dirname(fileURLToPath(import.meta.url));
const TIMEOUT_MS = 20_000;
const round = (value, places = 4) => Number(value.toFixed(places));

function evaluate(candidatePath) {
  const candidate = resolve(candidatePath);
  if (!existsSync(candidate)) return { success: false, eval_score: 0, error: `candidate not found: ${candidate}` };
  // `.mjs` makes the candidate an ES module whatever package.json lies above the step folder.
  const scratch = resolve('candidate');
  mkdirSync(scratch, { recursive: true });
  const moduleFile = join(scratch, 'candidate.mjs');
  copyFileSync(candidate, moduleFile);
  const command = [process.execPath, join(here, 'harness.js'), moduleFile];
  const sandbox = process.env.ASI_SANDBOX_EXEC;
  const [file, ...args] = sandbox ? [sandbox, '--scratch', scratch, '--', ...command] : command;
  const run = spawnSync(file, args, { cwd: scratch, encoding: 'utf8', timeout: TIMEOUT_MS });
  if (run.error !== undefined || run.status !== 0) {
    const why = run.error?.message ?? (run.stderr.trim().split('\n').slice(-3).join(' ') || `exit ${run.status}`);
    return { success: false, eval_score: 0, error: `the rule failed: ${why}` };
  }
  const outcomes = JSON.parse(run.stdout.trim().split('\n').pop());
  const perIntegrand = {};
  let digits = 0;
  let evaluations = 0;
  for (const { name, estimate, calls } of outcomes) {
    const exact = INTEGRANDS.find((integrand) => integrand.name === name).exact;
    perIntegrand[name] = round(digitsOf(estimate, exact), 3);
    digits += perIntegrand[name];
    evaluations += calls;
  }
  digits /= outcomes.length;
  evaluations /= outcomes.length;
  return {
    eval_score: round(digits),
    success: true,
    digits: round(digits),
    evaluations: round(evaluations, 1),
    per_integrand: perIntegrand,
  };
}

let results;
try {
  results = evaluate(process.argv[2] ?? process.env.ASI_PROGRAM_PATH ?? 'code');
} catch (error) {
  results = { success: false, eval_score: 0, error: `evaluator: ${error.message}` };
}
writeFileSync(resolve('results.json'), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(
  results.success
    ? `${results.digits} correct digits on average with ${results.evaluations} evaluations per integral\n`
    : `failed: ${results.error}\n`,
);
