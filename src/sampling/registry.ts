import type { Config } from '../config/index.js';
import { createCandidatePoolPolicy } from './candidate-pool.js';
import { createGreedyPolicy } from './greedy.js';
import { createIslandPolicy } from './island/index.js';
import type { SamplingPolicy } from './policy.js';
import { createRandomPolicy } from './random-policy.js';
import { createUcb1Policy } from './ucb1.js';

/** The `database.sampling` section of a validated config. */
export type SamplingConfig = Config['database']['sampling'];

/** A policy's name as written in `database.sampling.algorithm`. */
export type SamplingAlgorithm = SamplingConfig['algorithm'];

const factories: Record<SamplingAlgorithm, (sampling: SamplingConfig) => SamplingPolicy> = {
  ucb1: (sampling) =>
    createUcb1Policy({ c: sampling.ucb1_c, allowFailed: sampling.allow_failed_parents, normalisation: sampling.fitness }),
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
};

/** Every algorithm name `createSamplingPolicy` accepts. */
export const samplingAlgorithms = Object.keys(factories) as SamplingAlgorithm[];

/**
 * Builds the policy named by `database.sampling.algorithm` from its validated section.
 * `fitness` (min-max or the paper's sigmoid) shapes UCB1 values and island draw weights; greedy,
 * random and the pool rank by raw score, which either normalisation leaves in the same order.
 * @example
 * const policy = createSamplingPolicy(config.database.sampling);
 */
export function createSamplingPolicy(sampling: SamplingConfig): SamplingPolicy {
  return factories[sampling.algorithm](sampling);
}
