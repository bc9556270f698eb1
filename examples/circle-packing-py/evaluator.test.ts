import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '../../src/config/index.js';
import { runEvaluator } from '../test-support/run-evaluator.js';

const experimentDir = dirname(fileURLToPath(import.meta.url));
const read = (name: string): string => readFileSync(join(experimentDir, name), 'utf8');
const seed = read('initial_program');

function score(program: string, extraEnv?: Record<string, string>) {
  return runEvaluator({ experimentDir, program, programFile: 'program.py', extraEnv });
}

/** A candidate whose construct_packing() starts from a 5 × 5 grid of radius 0.1 plus a circle in a gap, then applies `edit`. */
function gridProgram(edit = ''): string {
  return `import numpy as np

def construct_packing():
    xs, ys = np.meshgrid(0.1 + 0.2 * np.arange(5), 0.1 + 0.2 * np.arange(5))
    centers = np.vstack([np.column_stack([xs.ravel(), ys.ravel()]), [[0.2, 0.2]]])
    radii = np.full(26, 0.1)
    radii[25] = np.sqrt(2) * 0.1 - 0.1 - 1e-9
${edit
  .split('\n')
  .map((line) => `    ${line}`)
  .join('\n')}
    return centers, radii, 123.0
`;
}

describe('circle-packing-py evaluator', () => {
  it('scores the ring seed 0.959764', async () => {
    const run = await score(seed);
    expect(run.exitCode).toBe(0);
    expect(run.results).toMatchObject({ success: true, validity: 1, num_circles: 26, min_radius: 0 });
    expect(run.results?.eval_score).toBeCloseTo(0.959764, 6);
    expect(run.stdout).toContain('sum_radii = 0.95976422');
  });

  it('scores a stronger packing by the recomputed sum, ignoring the returned one', async () => {
    const run = await score(gridProgram("print('building the grid')"));
    expect(run.results).toMatchObject({ success: true, validity: 1 });
    expect(run.results?.eval_score).toBeCloseTo(2.5 + Math.SQRT2 * 0.1 - 0.1, 8);
    expect(run.stdout).toContain('building the grid');
  });

  const invalidCases: Array<[string, string, RegExp]> = [
    ['a NaN radius', gridProgram("radii[3] = float('nan')"), /^radius 3 is not a finite number: NaN/],
    ['overlapping circles', gridProgram('radii[7] = 0.11'), /^circles 2 and 7 overlap by 0\.01/],
    [
      'a circle outside the square',
      gridProgram('centers[0] = [0.05, 0.1]'),
      /^circle 0 leaves the square: x - r = -0\.05 is below 0/,
    ],
    ['a negative radius', gridProgram('radii[25] = -0.01'), /^radius 25 is negative/],
    ['too few circles', gridProgram('centers, radii = centers[1:], radii[1:]'), /^expected 26 centers, got 25/],
    ['transposed centres', gridProgram('centers = centers.T'), /^expected 26 centers, got 2/],
    ['radii that are not numbers', gridProgram("radii = ['big'] * 26"), /not numeric arrays/],
    [
      'a program that throws',
      gridProgram("raise ValueError('no packing today')"),
      /^construct_packing\(\) raised ValueError: no packing today/,
    ],
    ['a program without construct_packing', 'print("hello")\n', /does not define a function construct_packing/],
    ['a program that exits the interpreter', 'import os\nos._exit(3)\n', /^the program exited with code 3/],
  ];

  it.each(invalidCases)('rejects %s with the reason', async (_label, program, reason) => {
    const run = await score(program);
    expect(run.exitCode).toBe(0);
    expect(run.results).toMatchObject({ success: false, eval_score: 0, validity: 0 });
    expect(run.results?.error).toMatch(reason);
  });

  it('rejects a program that runs past its time limit', async () => {
    const run = await score('import time\n\ndef construct_packing():\n    while True:\n        time.sleep(0.01)\n', {
      CIRCLE_PACKING_TIMEOUT_S: '1',
    });
    expect(run.results).toMatchObject({ success: false, eval_score: 0, error: 'the program timed out after 1 s' });
  });
});

describe('circle-packing-py experiment folder', () => {
  it('has a config of reference keys that the schema accepts', () => {
    const config = configSchema.parse(parse(read('config.yaml')));
    expect(config.evaluator.program_file).toBe('program.py');
    expect(config.pipeline.researcher.diff_based_evolution).toBe(false);
    expect(config.database.max_size).toBe(70);
    expect(config.database.sampling.algorithm).toBe('island');
    expect(config.database.sampling.island.feature_dimensions).toEqual(['complexity', 'diversity']);
  });

  const environment = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
  const seedNode = {
    id: 0,
    name: 'ring seed',
    motivation: 'concentric rings',
    program: seed,
    score: 0.959764,
    analysis: 'sixteen circles are clipped onto the border',
    results: { eval_score: 0.959764, min_radius: 0 },
  };
  const failedNode = { ...seedNode, id: 1, name: 'broken optimiser', score: null, analysis: '', results: {} };

  it('renders the researcher template for full rewrites and for diffs', () => {
    const template = read('prompts/researcher.jinja2');
    const variables = {
      task: 'Pack 26 circles.',
      step: 4,
      parent: seedNode,
      context: [seedNode, failedNode],
      cognition: [{ id: 'cp-radii-linear-program', title: 'Radii are an LP', content: 'Use linprog.', source: 'LP' }],
      max_code_length: 20000,
    };
    const full = environment.renderString(template, { ...variables, diff_mode: false });
    expect(full).toContain('Pack 26 circles.');
    expect(full).toContain('**Radii are an LP** (LP): Use linprog.');
    expect(full).toContain('### 1. ring seed: score 0.959764');
    expect(full).toContain('### 2. broken optimiser: failed');
    expect(full).toContain('- min_radius: 0');
    expect(full).toContain('def construct_packing():');
    expect(full).toContain('<code>');
    expect(full).not.toContain('SEARCH');
    const diff = environment.renderString(template, { ...variables, diff_mode: true });
    expect(diff).toContain('<<<<<<< SEARCH');
    expect(diff).not.toContain('<code>');
  });

  it('renders the analyzer template for a failure', () => {
    const text = environment.renderString(read('prompts/analyzer.jinja2'), {
      task: 'Pack 26 circles.',
      name: 'bigger circles',
      motivation: 'grow everything',
      program: 'def construct_packing(): ...',
      success: false,
      score: 0,
      results: { validity: 0 },
      error: 'circles 2 and 7 overlap by 0.01',
      logs: 'Traceback: none',
      best: seedNode,
    });
    expect(text).toContain('Failed: circles 2 and 7 overlap by 0.01.');
    expect(text).toContain('- validity: 0');
    expect(text).toContain('best of the sampled programs: ring seed, score 0.959764');
    expect(text).toContain('<analysis>');
  });
});
