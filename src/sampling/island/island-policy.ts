import { isEligible, isSuccessful } from '../eligibility.js';
import type { FitnessNormalisation } from '../fitness.js';
import type { SampleableNode, SamplingPolicy, Selection, SelectOptions } from '../policy.js';
import { readPolicyState } from '../policy-state.js';
import { emptySelection, selectionOf, selectionSize } from '../selection.js';
import { expectOption, expectPositiveInteger, expectRatio } from '../validate.js';
import { eliteIds, placeElite } from './archive.js';
import { drawNodes } from './draw.js';
import { cellKey, featureValues, referenceSetSize, widenRanges } from './features.js';
import {
  emptyIslandState,
  islandStateFromJson,
  islandStateToJson,
  type IslandGrid,
  type IslandState,
} from './island-state.js';
import { homeIsland, isMember } from './membership.js';
import { migrateRing } from './migration.js';

/** Options of the island policy (`database.sampling.island`). */
export interface IslandOptions {
  /** @default 5 */
  numIslands?: number;
  /** Generations between ring migrations; a generation is one round-robin cycle of select() calls. @default 10 */
  migrationInterval?: number;
  /** Fraction of each island's own nodes copied to the next island. @default 0.1 */
  migrationRate?: number;
  /** Probability that a draw is uniform within the island. @default 0.2 */
  explorationRatio?: number;
  /** Probability that a draw comes from the island's elite archive. @default 0.3 */
  exploitationRatio?: number;
  /** `complexity`, `diversity`, or names of numeric metrics. @default ['complexity', 'diversity'] */
  featureDimensions?: readonly string[];
  /** Bins per feature dimension. @default 10 */
  featureBins?: number;
  /** Let failed nodes be sampled (never elites, never migrants). @default false */
  allowFailed?: boolean;
  /** Fitness used by weighted draws. @default 'min-max' */
  normalisation?: FitnessNormalisation;
}

/**
 * MAP-Elites islands. Each select() serves the next island in round-robin order and returns it
 * as `Selection.island`; the loop stores it on the new node, and observe() files the node on
 * that island and into the island's elite archive (a grid over the feature dimensions, each
 * min-max scaled over the values seen so far; a cell's occupant is replaced only by a strictly
 * better score). Nodes without an island (the seed) belong to island 0 and are referenced by
 * every island. Every `migrationInterval` generations (one generation = `numIslands` select()
 * calls), the best `migrationRate` of each island's own nodes are copied by id to the next
 * island (see `migrateRing`). An island with no eligible member draws from all eligible nodes.
 *
 * Cost: select() O(N) (a membership pass plus O(n·M) draws over the island's M members;
 * migration, every interval, adds a partial top-m per island); observe() O(dimensions + islands)
 * for a new node. select() first observes any node it was not told about, in id order.
 * @example
 * const policy = createIslandPolicy({ numIslands: 3 });
 * const { parent, island } = policy.select({ nodes, n: 3, random });
 */
export function createIslandPolicy(options: IslandOptions = {}): SamplingPolicy {
  const grid: IslandGrid = {
    numIslands: options.numIslands ?? 5,
    featureDimensions: [...(options.featureDimensions ?? ['complexity', 'diversity'])],
    featureBins: options.featureBins ?? 10,
  };
  const migrationInterval = options.migrationInterval ?? 10;
  const migrationRate = options.migrationRate ?? 0.1;
  const ratios = { exploration: options.explorationRatio ?? 0.2, exploitation: options.exploitationRatio ?? 0.3 };
  const allowFailed = options.allowFailed ?? false;
  const normalisation = options.normalisation ?? 'min-max';
  expectPositiveInteger('numIslands', grid.numIslands);
  expectPositiveInteger('featureBins', grid.featureBins);
  expectPositiveInteger('migrationInterval', migrationInterval);
  expectRatio('migrationRate', migrationRate);
  expectRatio('explorationRatio', ratios.exploration);
  expectRatio('exploitationRatio', ratios.exploitation);
  expectOption(
    ratios.exploration + ratios.exploitation <= 1,
    'exploration_ratio + exploitation_ratio',
    'at most 1',
    ratios.exploration + ratios.exploitation,
  );
  const name = 'island';
  let state: IslandState = emptyIslandState(grid);

  function placeInArchive(node: SampleableNode, island: number): void {
    const values = featureValues(node, grid.featureDimensions, state.referenceLengths);
    const archive = state.islands[island]?.archive;
    if (values === null || archive === undefined || !isSuccessful(node)) return;
    placeElite(archive, cellKey(values, state.ranges, grid.featureBins), { id: node.id, score: node.score as number });
  }

  function observe(node: SampleableNode): void {
    if (state.lastObservedId !== null && node.id <= state.lastObservedId) return;
    state.lastObservedId = node.id;
    if (state.referenceLengths.length < referenceSetSize) state.referenceLengths.push(node.programLength);
    const values = featureValues(node, grid.featureDimensions, state.referenceLengths);
    if (values !== null) widenRanges(state.ranges, values);
    if (node.island !== null) placeInArchive(node, homeIsland(node, grid.numIslands));
    else for (let island = 0; island < grid.numIslands; island++) placeInArchive(node, island);
  }

  function observeUnseen(nodes: readonly SampleableNode[]): void {
    const last = state.lastObservedId;
    const unseen = nodes.filter((node) => last === null || node.id > last);
    unseen.sort((left, right) => left.id - right.id).forEach(observe);
  }

  function select({ nodes, n, random }: SelectOptions): Selection {
    observeUnseen(nodes);
    const cycle = grid.numIslands * migrationInterval;
    if (state.selections > 0 && state.selections % cycle === 0) {
      const migrants = state.islands.map((island) => island.migrants);
      for (const migration of migrateRing(nodes, grid.numIslands, migrationRate, migrants)) {
        placeInArchive(migration.node, migration.to);
      }
    }
    const island = state.selections % grid.numIslands;
    state.selections++;
    const size = selectionSize(n);
    const { migrants, archive } = state.islands[island] as IslandState['islands'][number];
    let candidates: SampleableNode[] = [];
    for (const node of nodes) {
      if (isEligible(node, allowFailed) && isMember(node, island, grid.numIslands, migrants)) candidates.push(node);
    }
    if (candidates.length === 0) candidates = nodes.filter((node) => isEligible(node, allowFailed));
    if (candidates.length === 0 || size === 0) return emptySelection(island);
    return selectionOf(drawNodes(candidates, eliteIds(archive), size, ratios, normalisation, random), island);
  }

  return {
    name,
    select,
    observe,
    state: () => islandStateToJson(state, grid),
    restore: (saved) => {
      const object = readPolicyState(saved, name);
      if (object !== null) state = islandStateFromJson(object, grid);
    },
  };
}
