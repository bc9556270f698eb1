import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '../../src/config/index.js';
import { runEvaluator } from '../test-support/run-evaluator.js';

const experimentDir = dirname(fileURLToPath(import.meta.url));
const seed = readFileSync(join(experimentDir, 'initial_program'), 'utf8');
const quick = ['--instances', '2', '--items', '1000'];

function score(program: string, extraArguments: string[] = quick, extraEnv?: Record<string, string>) {
  return runEvaluator({ experimentDir, program, programFile: 'program.mjs', extraArguments, extraEnv });
}

const heuristic = (body: string): string => `export function priority(item, bins) {\n${body}\n}\n`;

/** A module that sends a made-up packing (the same for both instances) in place of the real one, then exits. */
const reporting = (assignment: string): string =>
  `const assignment = ${assignment};\n` +
  'await new Promise((done) => process.send({ assignments: [assignment, assignment] }, done));\n' +
  'process.exit(0);\nexport function priority(item, bins) { return bins; }\n';

/** Best fit, except that a placement leaving a gap of 1–20 (smaller than most items) comes last. */
const avoidSmallGaps = heuristic(`  return bins.map((remaining) => {
    const gap = remaining - item;
    return gap > 0 && gap <= 20 ? -1000 - gap : -gap;
  });`);

describe('bin-packing evaluator', () => {
  it('scores the best-fit seed as the best-fit baseline on 5 × 5,000 Weibull items', async () => {
    const run = await score(seed, []);
    expect(run.exitCode).toBe(0);
    const results = run.results ?? {};
    expect(results).toMatchObject({ success: true, num_instances: 5, num_items: 5000, improvement_over_best_fit: 0 });
    expect(results.excess_percent).toBe(results.best_fit_excess_percent);
    expect(results.eval_score).toBe(-(results.excess_percent as number));
    expect(results.best_fit_excess_percent).toBeCloseTo(4.1212, 4);
    expect(results.first_fit_excess_percent).toBeCloseTo(4.4399, 4);
    const instances = results.instances as Array<Record<string, number>>;
    expect(instances.map((instance) => instance.seed)).toEqual([0, 1, 2, 3, 4]);
    for (const instance of instances) {
      expect(instance.bins).toBe(instance.best_fit_bins);
      expect(instance.bins).toBeGreaterThan(instance.lower_bound ?? Infinity);
    }
    expect(run.stdout).toContain('excess over L1: 4.12 % (first fit 4.44 %, best fit 4.12 %)');
  });

  it('ranks a heuristic that avoids small gaps above best fit, and worst fit below it', async () => {
    const [bestFit, stronger, worstFit] = await Promise.all([
      score(seed),
      score(avoidSmallGaps),
      score(heuristic('  return bins.map((remaining) => remaining - item);')),
    ]);
    expect(stronger.results?.success).toBe(true);
    expect(stronger.results?.eval_score as number).toBeGreaterThan(bestFit.results?.eval_score as number);
    expect(stronger.results?.improvement_over_best_fit as number).toBeGreaterThan(0);
    expect(worstFit.results?.eval_score as number).toBeLessThan(bestFit.results?.eval_score as number);
  });

  const invalidCases: Array<[string, string, RegExp]> = [
    [
      'a heuristic that throws',
      heuristic("  if (item > 60) throw new RangeError('too big');\n  return bins;"),
      /^priority\(\d+, \[.*\]\) for item \d+ of instance 0 threw RangeError: too big$/,
    ],
    ['the wrong length', heuristic('  return bins.slice(1);'), /returned \d+ priorities for \d+ bins$/],
    [
      'NaN',
      heuristic('  return bins.map((remaining) => (remaining - item) / (remaining - item));'),
      /returned NaN for bin \d+$/,
    ],
    ['a result that is not an array', heuristic('  return 1;'), /returned 1, not an array of numbers$/],
    [
      'a module without priority',
      'export function score(item, bins) { return bins; }\n',
      /must export a function priority/,
    ],
    [
      'a module that does not load',
      'export function priority(item, bins) {\n',
      /^the program could not be loaded: SyntaxError/,
    ],
    [
      'a module that reports a packing of the wrong size',
      reporting('[[0]]'),
      /^the packing breaks the online rules: expected one bin per item \(1000\), got 1$/,
    ],
    [
      'a module that reports a bin per item',
      reporting('Array.from({ length: 1000 }, (_, index) => index)'),
      /opened a new bin although an open bin could hold it$/,
    ],
    [
      'a module that reports everything in one bin',
      reporting('new Array(1000).fill(0)'),
      /was put in bin 0, which cannot hold it$/,
    ],
  ];

  it('rejects a module that sends messages besides the real packing', async () => {
    const run = await score(
      'process.send({ assignments: [] });\nexport function priority(item, bins) { return bins; }\n',
    );
    expect(run.results).toMatchObject({ success: false, error: "the heuristic's process sent messages of its own" });
  });

  it.each(invalidCases)('rejects %s with the reason', async (_label, program, reason) => {
    const run = await score(program);
    expect(run.exitCode).toBe(0);
    expect(run.results).toMatchObject({ success: false, eval_score: -100 });
    expect(run.results?.error).toMatch(reason);
    expect(run.results).toHaveProperty('best_fit_excess_percent');
  });

  it('rejects a heuristic that never returns, after its time limit', async () => {
    const run = await score(heuristic('  while (true) {}'), quick, { BIN_PACKING_TIMEOUT_S: '1' });
    expect(run.results).toMatchObject({ success: false, eval_score: -100, error: 'the heuristic timed out after 1 s' });
  });
});

describe('bin-packing experiment folder', () => {
  it('has a config that the schema accepts and cognition items with every field', () => {
    const config = configSchema.parse(parse(readFileSync(join(experimentDir, 'config.yaml'), 'utf8')));
    expect(config.evaluator.program_file).toBe('program.mjs');
    expect(config.pipeline.engineer_timeout).toBeGreaterThan(60);
    const items = parse(readFileSync(join(experimentDir, 'cognition.yaml'), 'utf8')) as Array<Record<string, unknown>>;
    expect(new Set(items.map((item) => item.id)).size).toBe(items.length);
    for (const item of items) {
      for (const field of ['id', 'title', 'content', 'source']) expect(typeof item[field]).toBe('string');
      expect(Array.isArray(item.tags)).toBe(true);
    }
  });
});
