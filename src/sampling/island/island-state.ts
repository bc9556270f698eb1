import { AsiEvolveError } from '../../errors.js';
import type { JsonObject, JsonValue } from '../../domain/index.js';
import { corruptState, readCount, readIds, stateVersion } from '../policy-state.js';
import type { EliteArchive } from './archive.js';
import type { FeatureRange } from './features.js';

/** The island policy's mutable state. */
export interface IslandState {
  /** select() calls so far; the current island is `selections mod numIslands`. */
  selections: number;
  /** Highest node id observed; nodes at or below it were already placed. */
  lastObservedId: number | null;
  /** Program lengths of the first observed nodes (the `diversity` reference set). */
  referenceLengths: number[];
  /** Range seen on each feature dimension, for min-max scaling. */
  ranges: FeatureRange[];
  islands: { migrants: Set<number>; archive: EliteArchive }[];
}

/** The grid the state was built for; a resume under another grid cannot reuse it. */
export interface IslandGrid {
  numIslands: number;
  featureDimensions: readonly string[];
  featureBins: number;
}

const policy = 'island';

/** A fresh state for `grid`. */
export function emptyIslandState(grid: IslandGrid): IslandState {
  return {
    selections: 0,
    lastObservedId: null,
    referenceLengths: [],
    ranges: grid.featureDimensions.map(() => null),
    islands: Array.from({ length: grid.numIslands }, () => ({ migrants: new Set<number>(), archive: new Map() })),
  };
}

/** The state as JSON (member ids, archives, migrants, cursor, counters). */
export function islandStateToJson(state: IslandState, grid: IslandGrid): JsonObject {
  return {
    policy,
    version: stateVersion,
    numIslands: grid.numIslands,
    featureDimensions: [...grid.featureDimensions],
    featureBins: grid.featureBins,
    selections: state.selections,
    lastObservedId: state.lastObservedId,
    referenceLengths: [...state.referenceLengths],
    ranges: state.ranges.map((range) => (range ? [range[0], range[1]] : null)),
    islands: state.islands.map((island) => ({
      migrants: [...island.migrants],
      archive: [...island.archive].map(([cell, elite]) => [cell, elite.id, elite.score]),
    })),
  };
}

function gridMismatch(key: string, saved: JsonValue | undefined, current: JsonValue): AsiEvolveError {
  return new AsiEvolveError(
    'CONFIG_INVALID',
    `Cannot resume the island sampler: \`database.sampling.island.${key}\` was ${JSON.stringify(saved)} and is now ${JSON.stringify(current)}`,
    {
      key: `database.sampling.island.${key}`,
      hint: 'Set it back to the value the run started with, or start a new run.',
    },
  );
}

function readNumbers(value: JsonValue | undefined, key: string): number[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'number' && Number.isFinite(item))) {
    throw corruptState(policy, `\`${key}\` is not a list of numbers`);
  }
  return value as number[];
}

function readRange(value: JsonValue): FeatureRange {
  if (value === null) return null;
  const [minimum, maximum] = readNumbers(value, 'ranges');
  if (minimum === undefined || maximum === undefined) throw corruptState(policy, '`ranges` holds a malformed range');
  return [minimum, maximum];
}

function readArchive(value: JsonValue | undefined): EliteArchive {
  if (!Array.isArray(value)) throw corruptState(policy, 'an island archive is not a list');
  const archive: EliteArchive = new Map();
  for (const entry of value) {
    if (!Array.isArray(entry)) throw corruptState(policy, 'an archive cell is malformed');
    const [cell, id, score] = entry;
    if (typeof cell !== 'string' || typeof id !== 'number' || !Number.isInteger(id) || typeof score !== 'number') {
      throw corruptState(policy, 'an archive cell is malformed');
    }
    archive.set(cell, { id, score });
  }
  return archive;
}

/** Reads a saved state (already known to be this policy's), checking it was built for `grid`. */
export function islandStateFromJson(saved: JsonObject, grid: IslandGrid): IslandState {
  if (saved.numIslands !== grid.numIslands) throw gridMismatch('num_islands', saved.numIslands, grid.numIslands);
  if (JSON.stringify(saved.featureDimensions) !== JSON.stringify(grid.featureDimensions)) {
    throw gridMismatch('feature_dimensions', saved.featureDimensions, [...grid.featureDimensions]);
  }
  if (saved.featureBins !== grid.featureBins) throw gridMismatch('feature_bins', saved.featureBins, grid.featureBins);
  const last = saved.lastObservedId;
  if (last !== null && !(typeof last === 'number' && Number.isInteger(last))) {
    throw corruptState(policy, '`lastObservedId` is not a node id');
  }
  const ranges = saved.ranges;
  if (!Array.isArray(ranges) || ranges.length !== grid.featureDimensions.length) {
    throw corruptState(policy, '`ranges` does not match the feature dimensions');
  }
  const islands = saved.islands;
  if (!Array.isArray(islands) || islands.length !== grid.numIslands) {
    throw corruptState(policy, '`islands` does not match the number of islands');
  }
  return {
    selections: readCount(saved, 'selections', policy),
    lastObservedId: typeof last === 'number' ? last : null,
    referenceLengths: readNumbers(saved.referenceLengths, 'referenceLengths'),
    ranges: ranges.map(readRange),
    islands: islands.map((island) => {
      if (island === null || typeof island !== 'object' || Array.isArray(island)) {
        throw corruptState(policy, 'an island is not an object');
      }
      return { migrants: new Set(readIds(island.migrants, 'migrants', policy)), archive: readArchive(island.archive) };
    }),
  };
}
