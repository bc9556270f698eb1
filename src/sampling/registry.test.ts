import { describe, expect, it } from 'vitest';
import { configSchema, type ConfigInput } from '../config/schema.js';
import { createRandom } from '../random.js';
import { makeNode, observing } from './policy.case.test.js';
import { thrownAsiError } from '../test-support/asi-error.js';
import type { SamplingPolicy } from './policy.js';
import { createSamplingPolicy, registerSamplingPolicy, samplingAlgorithms } from './registry.js';

type SamplingInput = NonNullable<NonNullable<ConfigInput['database']>['sampling']>;

function samplingConfig(sampling: SamplingInput) {
  return configSchema.parse({ database: { sampling } }).database.sampling;
}

describe('createSamplingPolicy', () => {
  it('maps every algorithm of the config to its policy', () => {
    expect(samplingAlgorithms).toEqual(['ucb1', 'greedy', 'random', 'island', 'pool', 'pareto']);
    for (const algorithm of samplingAlgorithms) {
      expect(createSamplingPolicy(samplingConfig({ algorithm })).name).toBe(algorithm);
    }
    expect(createSamplingPolicy(samplingConfig({})).name).toBe('ucb1');
  });

  it('fills the pool section with the paper defaults', () => {
    expect(samplingConfig({ algorithm: 'pool' }).pool).toEqual({ size: 50, refresh_interval: 10, parent_top_k: 10 });
    expect(() => samplingConfig({ pool: { size: 0 } })).toThrow();
  });

  it('passes allow_failed_parents to every policy', () => {
    const failed = [makeNode({ id: 0, success: false, score: null })];
    for (const algorithm of samplingAlgorithms) {
      const strict = createSamplingPolicy(samplingConfig({ algorithm }));
      const lenient = createSamplingPolicy(samplingConfig({ algorithm, allow_failed_parents: true }));
      expect(observing(strict, failed).select({ n: 1, random: createRandom(1) }).parent).toBeNull();
      expect(observing(lenient, failed).select({ n: 1, random: createRandom(1) }).parent?.id).toBe(0);
    }
  });

  it('passes the policy options', () => {
    const visited = [makeNode({ id: 0, score: 9, visitCount: 50 }), makeNode({ id: 1, score: 1, visitCount: 1 })];
    const ucb1 = (c: number) => createSamplingPolicy(samplingConfig({ algorithm: 'ucb1', ucb1_c: c }));
    expect(observing(ucb1(0), visited).select({ n: 1, random: createRandom(1) }).parent?.id).toBe(0);
    expect(observing(ucb1(5), visited).select({ n: 1, random: createRandom(1) }).parent?.id).toBe(1);

    const island = createSamplingPolicy(samplingConfig({ algorithm: 'island', island: { num_islands: 2 } }));
    const islands = [1, 2, 3].map(() => observing(island, visited).select({ n: 1, random: createRandom(1) }).island);
    expect(islands).toEqual([0, 1, 0]);

    const pool = createSamplingPolicy(
      samplingConfig({ algorithm: 'pool', pool: { size: 1, refresh_interval: 5, parent_top_k: 1 } }),
    );
    const many = Array.from({ length: 5 }, (_, id) => makeNode({ id, score: id }));
    const context = observing(pool, many).select({ n: 3, random: createRandom(1) }).context;
    expect(context.map((node) => node.id)).toEqual([4]);
  });

  it('passes database.sampling.fitness to UCB1: sigmoid pins neither end, so the bonus weighs more', () => {
    expect(samplingConfig({}).fitness).toBe('min-max');
    // min-max: A = 1 + 0.7·0.49, B = 0 + 0.7·1.55 → A. sigmoid: A = 0.73 + 0.34, B = 0.27 + 1.08 → B.
    const nodes = [makeNode({ id: 0, score: 1, visitCount: 10 }), makeNode({ id: 1, score: 0, visitCount: 1 })];
    const parentWith = (fitness: 'min-max' | 'sigmoid') =>
      observing(createSamplingPolicy(samplingConfig({ algorithm: 'ucb1', ucb1_c: 0.7, fitness })), nodes).select({
        n: 1,
        random: createRandom(1),
      }).parent?.id;
    expect(parentWith('min-max')).toBe(0);
    expect(parentWith('sigmoid')).toBe(1);
    expect(() => samplingConfig({ fitness: 'rank' as 'sigmoid' })).toThrow();
  });
});

/** A toy policy: the most recently observed nodes, newest first. */
function createNewestPolicy(): SamplingPolicy {
  const nodes = new Map<number, Parameters<SamplingPolicy['observe']>[0]>();
  return {
    name: 'newest',
    select: ({ n }) => {
      const context = [...nodes.values()].sort((left, right) => right.id - left.id).slice(0, n);
      return { parent: context[0] ?? null, context, island: null };
    },
    observe: (node) => nodes.set(node.id, node),
    forget: (id) => nodes.delete(id),
    state: () => null,
    restore: () => undefined,
  };
}

describe('registerSamplingPolicy', () => {
  it('makes a toy policy available by name, and refuses a taken or unknown name', () => {
    registerSamplingPolicy('newest', () => createNewestPolicy());
    const policy = createSamplingPolicy({ ...samplingConfig({}), algorithm: 'newest' });
    for (const id of [0, 1, 2]) policy.observe(makeNode({ id, score: id }));
    policy.forget(2);
    expect(policy.select({ n: 2, random: createRandom(1) }).context.map((node) => node.id)).toEqual([1, 0]);

    expect(thrownAsiError(() => registerSamplingPolicy('greedy', () => createNewestPolicy())).message).toContain(
      "'greedy' is already registered",
    );
    const unknown = thrownAsiError(() => createSamplingPolicy({ ...samplingConfig({}), algorithm: 'oldest' }));
    expect(unknown.key).toBe('database.sampling.algorithm');
    expect(unknown.message).toContain(
      "unknown sampling policy 'oldest' (known: ucb1, greedy, random, island, pool, pareto, newest)",
    );
  });
});
