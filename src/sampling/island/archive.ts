/** One occupied MAP-Elites cell: its best node so far. */
export interface Elite {
  id: number;
  score: number;
}

/** A MAP-Elites archive: cell key → the best node placed in it. */
export type EliteArchive = Map<string, Elite>;

/**
 * Places a node in its cell: it takes an empty cell, or replaces the occupant only when its
 * score is strictly better (an equal score keeps the earlier node). Returns true when placed.
 */
export function placeElite(archive: EliteArchive, cell: string, candidate: Elite): boolean {
  const occupant = archive.get(cell);
  if (occupant !== undefined && (occupant.id === candidate.id || !(candidate.score > occupant.score))) return false;
  archive.set(cell, { id: candidate.id, score: candidate.score });
  return true;
}

/** The ids of the archive's occupants. */
export function eliteIds(archive: EliteArchive): Set<number> {
  const ids = new Set<number>();
  for (const elite of archive.values()) ids.add(elite.id);
  return ids;
}
