import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '../../src/config/index.js';
import { runEvaluator } from '../test-support/run-evaluator.js';

const experimentDir = dirname(fileURLToPath(import.meta.url));
const seed = readFileSync(join(experimentDir, 'initial_program'), 'utf8');

function score(program: string, extraEnv?: Record<string, string>) {
  return runEvaluator({ experimentDir, program, programFile: 'program.js', extraEnv });
}

/** A program that prints the given packing (and whatever `prefix` prints before it). */
function printing(packing: unknown, prefix = ''): string {
  return `${prefix}\nprocess.stdout.write(JSON.stringify(${JSON.stringify(packing)}) + '\\n');\n`;
}

/** 25 circles of radius 0.1 on a 5 × 5 grid (they touch exactly), plus one in the gap at (0.2, 0.2). */
function gridPacking(): { centers: number[][]; radii: number[] } {
  const centers: number[][] = [];
  const radii: number[] = [];
  for (let row = 0; row < 5; row += 1) {
    for (let column = 0; column < 5; column += 1) {
      centers.push([0.1 + 0.2 * column, 0.1 + 0.2 * row]);
      radii.push(0.1);
    }
  }
  centers.push([0.2, 0.2]);
  radii.push(Math.SQRT2 * 0.1 - 0.1 - 1e-9);
  return { centers, radii };
}

describe('circle-packing evaluator', () => {
  it('scores the ring seed 0.959764', async () => {
    const run = await score(seed);
    expect(run.exitCode).toBe(0);
    expect(run.results).toMatchObject({ success: true, validity: 1, num_circles: 26, min_radius: 0 });
    expect(run.results?.eval_score).toBeCloseTo(0.959764, 6);
    expect(run.results?.sum_radii).toBe(run.results?.eval_score);
    expect(run.stdout).toContain('sum_radii = 0.95976422');
  });

  it('scores a stronger packing by the recomputed sum, ignoring a reported one and earlier output lines', async () => {
    const packing = { ...gridPacking(), sum: 99 };
    const run = await score(printing(packing, "console.log('debug: building the grid');"));
    expect(run.results).toMatchObject({ success: true, validity: 1 });
    const expected = 2.5 + Math.SQRT2 * 0.1 - 0.1 - 1e-9;
    expect(run.results?.eval_score).toBeCloseTo(expected, 9);
    expect(run.results?.eval_score as number).toBeGreaterThan(0.959764);
  });

  const invalidCases: Array<[string, () => string, RegExp]> = [
    [
      'a NaN radius',
      () => {
        const packing = gridPacking();
        packing.radii[3] = Number.NaN;
        return printing(packing).replace('"radii":[0.1,0.1,0.1,null', '"radii":[0.1,0.1,0.1,NaN');
      },
      /^radius 3 is not a finite number/,
    ],
    [
      'overlapping circles',
      () => {
        const packing = gridPacking();
        packing.radii[7] = 0.11;
        return printing(packing);
      },
      /^circles 2 and 7 overlap by 0\.01/,
    ],
    [
      'a circle outside the square',
      () => {
        const packing = gridPacking();
        packing.centers[0] = [0.05, 0.1];
        return printing(packing);
      },
      /^circle 0 leaves the square: x - r = -0\.05 is below 0/,
    ],
    [
      'a negative radius',
      () => {
        const packing = gridPacking();
        packing.radii[25] = -0.01;
        return printing(packing);
      },
      /^radius 25 is negative/,
    ],
    [
      'too few circles',
      () => {
        const packing = gridPacking();
        return printing({ centers: packing.centers.slice(1), radii: packing.radii.slice(1) });
      },
      /^expected 26 centers, got 25/,
    ],
    [
      'a centre that is not a pair',
      () => {
        const packing = gridPacking();
        packing.centers[4] = [0.5];
        return printing(packing);
      },
      /^center 4 is not a pair/,
    ],
    ['output that is not JSON', () => "console.log('hello');", /last output line is not JSON: hello/],
    [
      'a program that throws',
      () => "throw new RangeError('no packing today');",
      /exited with code 1: RangeError: no packing today/,
    ],
  ];

  it.each(invalidCases)('rejects %s with the reason', async (_label, program, reason) => {
    const run = await score(program());
    expect(run.exitCode).toBe(0);
    expect(run.results).toMatchObject({ success: false, eval_score: 0, validity: 0 });
    expect(run.results?.error).toMatch(reason);
  });

  it('rejects a program that runs past its time limit', async () => {
    const run = await score('while (true) {}', { CIRCLE_PACKING_TIMEOUT_S: '1' });
    expect(run.results).toMatchObject({ success: false, eval_score: 0, error: 'the program timed out after 1 s' });
  });
});

describe('circle-packing experiment folder', () => {
  it('has a config that the schema accepts', () => {
    const config = configSchema.parse(parse(readFileSync(join(experimentDir, 'config.yaml'), 'utf8')));
    expect(config.evaluator.program_file).toBe('program.js');
    expect(config.database.sampling.algorithm).toBe('ucb1');
    expect(config.pipeline.researcher.diff_based_evolution).toBe(true);
    expect(config.run.steps).toBe(30);
    expect(config.cognition.seed_files).toEqual(['cognition.yaml']);
    expect(config.pipeline.engineer_timeout).toBeGreaterThan(20);
  });

  it('has 8 to 15 cognition items with unique ids and every field', () => {
    const items = parse(readFileSync(join(experimentDir, 'cognition.yaml'), 'utf8')) as Array<Record<string, unknown>>;
    expect(items.length).toBeGreaterThanOrEqual(8);
    expect(items.length).toBeLessThanOrEqual(15);
    expect(new Set(items.map((item) => item.id)).size).toBe(items.length);
    for (const item of items) {
      for (const field of ['id', 'title', 'content', 'source'])
        expect(typeof item[field], `${String(item.id)}.${field}`).toBe('string');
      expect(Array.isArray(item.tags)).toBe(true);
    }
  });

  it('marks exactly one evolve block in the seed', () => {
    expect(seed.match(/\/\/ EVOLVE-BLOCK-START/g)).toHaveLength(1);
    expect(seed.indexOf('// EVOLVE-BLOCK-START')).toBeLessThan(seed.indexOf('// EVOLVE-BLOCK-END'));
  });
});
