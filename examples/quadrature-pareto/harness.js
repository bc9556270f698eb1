// The child process of the evaluator: loads the candidate module, integrates each integrand it is
// sent with the candidate's integrate(f, a, b), counting the calls of f, and prints one JSON line.
// Run through $ASI_SANDBOX_EXEC when the evaluation provides it, so the candidate cannot write
// results.json, and a rule that hangs only takes this process down.

import { pathToFileURL } from 'node:url';
import { INTEGRANDS } from './integrands.js';

const candidate = process.argv[2];
const module = await import(pathToFileURL(candidate).href);
if (typeof module.integrate !== 'function') {
  throw new Error('the program must export a function integrate(f, a, b)');
}
// A rule that needs more calls than this on one integral has run away: stop it at once.
const MAX_CALLS = 1_000_000;
const outcomes = INTEGRANDS.map(({ name, f, a, b }) => {
  let calls = 0;
  const counted = (x) => {
    calls += 1;
    if (calls > MAX_CALLS) throw new Error(`more than ${MAX_CALLS} calls of f on ${name}`);
    return f(x);
  };
  const estimate = Number(module.integrate(counted, a, b));
  return { name, estimate, calls };
});
process.stdout.write(`${JSON.stringify(outcomes)}\n`);
