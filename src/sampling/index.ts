export type { SampleableNode, SamplingPolicy, Selection, SelectOptions } from './policy.js';
export {
  createSamplingPolicy,
  registerSamplingPolicy,
  samplingAlgorithms,
  type SamplingAlgorithm,
  type SamplingConfig,
  type SamplingContext,
  type SamplingPolicyFactory,
  type SamplingSection,
} from './registry.js';
export { createUcb1Policy, type Ucb1Options } from './ucb1.js';
export { createParetoPolicy, type ParetoOptions } from './pareto.js';
export { createGreedyPolicy, type GreedyOptions } from './greedy.js';
export { createRandomPolicy, type RandomPolicyOptions } from './random-policy.js';
export { createCandidatePoolPolicy, type CandidatePoolOptions } from './candidate-pool.js';
export { createIslandPolicy, type IslandOptions } from './island/index.js';
export { sigmoidNormalise, minMaxNormalise, type FitnessNormalisation } from './fitness.js';
export {
  selectEvictions,
  compareWorstFirst,
  checkMaxSize,
  EvictionIndex,
  type EvictionCandidate,
  type EvictionOptions,
} from './eviction.js';
