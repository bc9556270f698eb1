import type { SampleableNode, Selection } from './policy.js';

/** The selection returned when no node qualifies. */
export function emptySelection(island: number | null = null): Selection {
  return { parent: null, context: [], island };
}

/** A selection whose parent is the first context node. */
export function selectionOf(context: SampleableNode[], island: number | null = null): Selection {
  return { parent: context[0] ?? null, context, island };
}

/** How many nodes a selection may hold: `n` as a non-negative integer. */
export function selectionSize(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}
