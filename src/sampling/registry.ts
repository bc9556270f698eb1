import type { Config } from '../config/index.js';
import { AsiEvolveError } from '../errors.js';
import { createCandidatePoolPolicy } from './candidate-pool.js';
import type { ObjectiveSettings } from '../domain/index.js';
import { createGreedyPolicy } from './greedy.js';
import { createParetoPolicy } from './pareto.js';
import { createIslandPolicy } from './island/index.js';
import type { SamplingPolicy } from './policy.js';
import { createRandomPolicy } from './random-policy.js';
import { createUcb1Policy } from './ucb1.js';

/** The `database.sampling` section of a validated config. */
export type SamplingConfig = Config['database']['sampling'];

/** A policy's name as written in `database.sampling.algorithm`. */
export type SamplingAlgorithm = SamplingConfig['algorithm'];

/** A sampling section naming any registered policy (the config file names only the built-in ones). */
export type SamplingSection = Omit<SamplingConfig, 'algorithm'> & { algorithm: SamplingAlgorithm | (string & {}) };

/** What a policy may need beyond its section: the experiment's objectives (null when it has one score). */
export interface SamplingContext {
  objectives: ObjectiveSettings | null;
}

/** Builds a policy from its validated section. */
export type SamplingPolicyFactory = (sampling: SamplingSection, context: SamplingContext) => SamplingPolicy;

const factories: Record<SamplingAlgorithm, SamplingPolicyFactory> = {
  ucb1: (sampling) =>
    createUcb1Policy({
      c: sampling.ucb1_c,
      allowFailed: sampling.allow_failed_parents,
      normalisation: sampling.fitness,
    }),
  greedy: (sampling) => createGreedyPolicy({ allowFailed: sampling.allow_failed_parents }),
  random: (sampling) => createRandomPolicy({ allowFailed: sampling.allow_failed_parents }),
  island: ({ island, allow_failed_parents, fitness }) =>
    createIslandPolicy({
      numIslands: island.num_islands,
      migrationInterval: island.migration_interval,
      migrationRate: island.migration_rate,
      explorationRatio: island.exploration_ratio,
      exploitationRatio: island.exploitation_ratio,
      featureDimensions: island.feature_dimensions,
      featureBins: island.feature_bins,
      allowFailed: allow_failed_parents,
      normalisation: fitness,
    }),
  pool: ({ pool, allow_failed_parents }) =>
    createCandidatePoolPolicy({
      poolSize: pool.size,
      refreshInterval: pool.refresh_interval,
      parentTopK: pool.parent_top_k,
      allowFailed: allow_failed_parents,
    }),
  pareto: ({ pareto, island, allow_failed_parents }, { objectives }) =>
    createParetoPolicy({
      objectives,
      fronts: pareto.fronts,
      explorationC: pareto.exploration_c,
      tournamentSize: pareto.tournament_size,
      islands: pareto.islands ? island.num_islands : 1,
      migrationInterval: island.migration_interval,
      allowFailed: allow_failed_parents,
    }),
};

/** Every built-in algorithm name: those `database.sampling.algorithm` accepts. */
export const samplingAlgorithms = Object.keys(factories) as SamplingAlgorithm[];

const registry = new Map<string, SamplingPolicyFactory>(Object.entries(factories));

/**
 * Adds a policy under its name, e.g. one a library user wrote; a taken name is refused. The
 * config file accepts the built-in names only: a registered policy is chosen in code.
 * @example registerSamplingPolicy('newest', () => createNewestPolicy());
 */
export function registerSamplingPolicy(name: string, factory: SamplingPolicyFactory): void {
  if (registry.has(name)) throw new AsiEvolveError('USAGE', `a sampling policy named '${name}' is already registered`);
  registry.set(name, factory);
}

/**
 * Builds the policy named by `database.sampling.algorithm` from its validated section.
 * `fitness` (min-max or the paper's sigmoid) shapes UCB1 values and island draw weights; greedy,
 * random and the pool rank by raw score, which either normalisation leaves in the same order.
 * `pareto` ranks by the context's objectives (by score when there are none).
 * @example
 * const policy = createSamplingPolicy(config.database.sampling, { objectives: objectiveSettings(config.objectives) });
 */
export function createSamplingPolicy(
  sampling: SamplingSection,
  context: SamplingContext = { objectives: null },
): SamplingPolicy {
  const factory = registry.get(sampling.algorithm);
  if (factory === undefined) {
    throw new AsiEvolveError(
      'CONFIG_INVALID',
      `unknown sampling policy '${sampling.algorithm}' (known: ${[...registry.keys()].join(', ')})`,
      {
        key: 'database.sampling.algorithm',
      },
    );
  }
  return factory(sampling, context);
}
