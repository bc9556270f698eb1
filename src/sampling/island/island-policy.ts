import { isSuccessful } from '../eligibility.js';
import type { FitnessNormalisation } from '../fitness.js';
import type { NodeSet } from '../node-set.js';
import type { SampleableNode, SamplingPolicy, Selection, SelectOptions } from '../policy.js';
import { readPolicyState } from '../policy-state.js';
import { emptySelection, selectionOf, selectionSize } from '../selection.js';
import { expectOption, expectPositiveInteger, expectRatio } from '../validate.js';
import { eliteIds, placeElite, type EliteArchive } from './archive.js';
import { drawNodes } from './draw.js';
import { cellKey, featureValues, referenceSetSize, widenRanges } from './features.js';
import {
  emptyIslandState,
  islandStateFromJson,
  islandStateToJson,
  type IslandGrid,
  type IslandState,
} from './island-state.js';
import { IslandIndex } from './island-index.js';
import { homeIsland } from './membership.js';
import { planMigrations } from './migration.js';

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
 * better score, or when it was evicted). Nodes without an island (the seed) belong to island 0
 * and are referenced by every island. Every `migrationInterval` generations (one generation =
 * `numIslands` select() calls), the best `migrationRate` of each island's own nodes are copied
 * by id to the next island (see `planMigrations`). An island with no eligible member draws from
 * all eligible nodes.
 *
 * Cost: select() O(n · log N) for the draws plus O(cells) for the island's elites; a migration
 * adds O(m · log N) for the m nodes that move. observe() O(islands · log N + dimensions) for a
 * new node; forget() O(islands · (log N + cells)). See IslandIndex for what is kept.
 * @example
 * const policy = createIslandPolicy({ numIslands: 3 });
 * const { parent, island } = policy.select({ n: 3, random });
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
  const index = new IslandIndex(grid.numIslands, allowFailed);
  const migrantSets = (): Set<number>[] => state.islands.map((island) => island.migrants);

  function placeInArchive(node: SampleableNode, island: number): void {
    const values = featureValues(node, grid.featureDimensions, state.referenceLengths);
    const archive = state.islands[island]?.archive;
    if (values === null || archive === undefined || !isSuccessful(node)) return;
    const cell = cellKey(values, state.ranges, grid.featureBins);
    // An evicted occupant leaves its cell free (a saved archive may still name it after a resume).
    const occupant = archive.get(cell);
    if (occupant !== undefined && !index.known.has(occupant.id)) archive.delete(cell);
    placeElite(archive, cell, { id: node.id, score: node.score as number });
  }

  function observe(node: SampleableNode): void {
    index.add(node, migrantSets());
    if (state.lastObservedId !== null && node.id <= state.lastObservedId) return;
    state.lastObservedId = node.id;
    if (state.referenceLengths.length < referenceSetSize) state.referenceLengths.push(node.programLength);
    const values = featureValues(node, grid.featureDimensions, state.referenceLengths);
    if (values !== null) widenRanges(state.ranges, values);
    if (node.island !== null) placeInArchive(node, homeIsland(node, grid.numIslands));
    else for (let island = 0; island < grid.numIslands; island++) placeInArchive(node, island);
  }

  function forget(id: number): void {
    index.remove(id);
    for (const island of state.islands) {
      island.migrants.delete(id);
      for (const [cell, elite] of island.archive) if (elite.id === id) island.archive.delete(cell);
    }
  }

  function migrate(): void {
    const migrations = planMigrations(index, grid.numIslands, migrationRate);
    for (const { node, from, to } of migrations) {
      state.islands[to]?.migrants.add(node.id);
      index.migrated(node, from, to);
      placeInArchive(node, to);
    }
  }

  function elitesIn(pool: NodeSet, archive: EliteArchive): SampleableNode[] {
    const elites: SampleableNode[] = [];
    for (const id of eliteIds(archive)) {
      const node = pool.get(id);
      if (node !== undefined) elites.push(node);
    }
    return elites;
  }

  function select({ n, random }: SelectOptions): Selection {
    const cycle = grid.numIslands * migrationInterval;
    if (state.selections > 0 && state.selections % cycle === 0) migrate();
    const island = state.selections % grid.numIslands;
    state.selections++;
    const size = selectionSize(n);
    const members = index.members[island] as NodeSet;
    const pool = members.size > 0 ? members : index.eligible;
    if (pool.size === 0 || size === 0) return emptySelection(island);
    const archive = (state.islands[island] as IslandState['islands'][number]).archive;
    return selectionOf(drawNodes(pool, elitesIn(pool, archive), size, ratios, normalisation, random), island);
  }

  return {
    name,
    select,
    observe,
    forget,
    state: () => islandStateToJson(state, grid),
    restore: (saved) => {
      const object = readPolicyState(saved, name);
      if (object === null) return;
      state = islandStateFromJson(object, grid);
      index.rebuild(migrantSets());
    },
  };
}
