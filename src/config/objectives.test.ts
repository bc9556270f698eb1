import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { resolveConfig } from './load.js';
import { objectiveSettings } from './objectives.js';
import { configJsonSchema } from './json-schema.js';

function resolve(values: Record<string, unknown>) {
  return resolveConfig([{ name: 'config.yaml', values }], {}, { callsNoModel: true });
}

function issuesOf(values: Record<string, unknown>): string[] {
  try {
    resolve(values);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => `${issue.key}: ${issue.message}`);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('objectives in config', () => {
  it('is off by default: one score, as always', () => {
    const config = resolve({});
    expect(config.objectives).toEqual({ metrics: [], out_of_bounds: 'infeasible', instances: null });
    expect(objectiveSettings(config.objectives)).toBeNull();
    expect(config.database.sampling.algorithm).toBe('ucb1');
  });

  it('reads objectives with either spelling of a direction, bounds and the per-instance key', () => {
    const config = resolve({
      objectives: {
        metrics: [
          { name: 'excess_bins', direction: 'minimise', max: 10 },
          { name: 'accuracy', direction: 'Maximize', min: 0 },
          { name: 'seconds', direction: 'min' },
        ],
        out_of_bounds: 'dominated',
        instances: 'per_instance',
      },
      database: { sampling: { algorithm: 'pareto', pareto: { fronts: 2 } } },
    });
    expect(objectiveSettings(config.objectives)).toEqual({
      objectives: [
        { name: 'excess_bins', direction: 'minimize', max: 10 },
        { name: 'accuracy', direction: 'maximize', min: 0 },
        { name: 'seconds', direction: 'minimize' },
      ],
      outOfBounds: 'dominated',
      instances: 'per_instance',
    });
    expect(config.database.sampling.pareto).toEqual({
      fronts: 2,
      exploration_c: 0.5,
      tournament_size: 2,
      islands: false,
    });
  });

  it('selects on the front when objectives are configured and no algorithm is named; a named one stays', () => {
    const metrics = [{ name: 'seconds', direction: 'minimize' }];
    expect(resolve({ objectives: { metrics } }).database.sampling.algorithm).toBe('pareto');
    expect(resolve({ objectives: { instances: 'cases' } }).database.sampling.algorithm).toBe('pareto');
    expect(resolve({ objectives: { metrics: [] } }).database.sampling.algorithm).toBe('ucb1');
    expect(
      resolve({ objectives: { metrics }, database: { sampling: { algorithm: 'island' } } }).database.sampling.algorithm,
    ).toBe('island');
    expect(resolve({ database: { sampling: { ucb1_c: 2 } } }).database.sampling.algorithm).toBe('ucb1');
  });

  it('ranks on eval_score beside per-instance scores when no objective is listed', () => {
    expect(objectiveSettings(resolve({ objectives: { instances: 'cases' } }).objectives)).toEqual({
      objectives: [{ name: 'eval_score', direction: 'maximize' }],
      outOfBounds: 'infeasible',
      instances: 'cases',
    });
  });

  it('names the key of each mistake', () => {
    const issues = issuesOf({
      objectives: {
        metrics: [
          { name: 'a', direction: 'upwards' },
          { name: 'b', direction: 'maximize', min: 3, max: 1 },
          { direction: 'maximize' },
          { name: 'c', direction: 'maximize', weight: 2 },
        ],
        out_of_bounds: 'ignore',
      },
    });
    expect(issues.join('\n')).toMatch(/objectives\.metrics\.0\.direction: unknown direction 'upwards'/);
    expect(issues.join('\n')).toMatch(/objectives\.metrics\.1\.max: max \(1\) is below min \(3\)/);
    expect(issues.join('\n')).toMatch(/objectives\.metrics\.2\.name/);
    expect(issues.join('\n')).toMatch(/objectives\.metrics\.3.*weight/);
    expect(issues.join('\n')).toMatch(/objectives\.out_of_bounds/);
    expect(
      issuesOf({ objectives: { metrics: [{ name: '__proto__', direction: 'max' }], instances: '__proto__' } }),
    ).toEqual([
      "objectives.metrics.0.name: '__proto__' cannot name a results.json metric: it is dropped when results are read",
      "objectives.instances: '__proto__' cannot name a results.json metric: it is dropped when results are read",
    ]);
    const twice = { name: 'a', direction: 'minimize' };
    expect(issuesOf({ objectives: { metrics: [twice, twice] } })).toEqual([
      "objectives.metrics.1.name: objective 'a' is listed twice",
    ]);
  });

  it('describes the section in the JSON schema editors read', () => {
    const schema = JSON.stringify(configJsonSchema());
    expect(schema).toContain('"out_of_bounds"');
    expect(schema).toContain('"minimise"');
    expect(schema).toContain('"pareto"');
  });
});
