import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes a tiny experiment whose evaluator is deterministic: the program is `x = <number>` and
 * the score is that number (no timings in the results, so a replay sees the same prompts).
 */
export function writeTinyExperiment(dir: string, config: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'input.md'), 'Choose x in [0, 1] to maximise the score, which is x itself.\n');
  writeFileSync(join(dir, 'initial_program'), 'x = 0.5\n');
  writeFileSync(
    join(dir, 'evaluate.js'),
    `const { readFileSync, writeFileSync } = require('node:fs');
const program = readFileSync(process.argv[2] ?? 'code', 'utf8');
const match = /x\\s*=\\s*([\\d.]+)/.exec(program);
const x = match ? Number(match[1]) : NaN;
const ok = Number.isFinite(x) && x >= 0 && x <= 1;
writeFileSync('results.json', JSON.stringify({ eval_score: ok ? x : 0, success: ok, x: ok ? x : null }));
console.log(ok ? 'scored ' + x : 'invalid program');
`,
  );
  writeFileSync(join(dir, 'eval.sh'), 'node "$ASI_EXPERIMENT_DIR/evaluate.js" "${1:-code}"\n');
  writeFileSync(join(dir, 'config.yaml'), config);
}
