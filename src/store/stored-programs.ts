import { AsiEvolveError } from '../errors.js';
import { isFileSetProgram, type NewNode } from '../domain/index.js';
import { prepare, type StoreContext } from './database.js';
import { applyProgramDelta, programDelta } from './program-delta.js';

/**
 * Deltas allowed between a stored node and a whole program: a node further down a lineage is
 * stored whole again, so that reading any node applies at most this many deltas.
 */
export const maxDeltaDepth = 50;

/** The program columns of a `nodes` row. */
export interface StoredProgramRow {
  id: number;
  program_base: number | null;
  program_depth: number;
  program_length: number;
  program: string;
}

/** How a new node's program is written: whole (base null), or as a delta against `base`. */
export interface StoredProgram {
  program: string;
  base: number | null;
  depth: number;
}

/** Programs already rebuilt in one read, by node id: a listing rebuilds each chain once. */
export type ProgramCache = Map<number, string>;

const programRowSql = 'SELECT id, program_base, program_depth, program_length, program FROM nodes WHERE id = ?';
const seedIdSql = 'SELECT id FROM nodes WHERE step = 0 ORDER BY id LIMIT 1';

function programRow(context: StoreContext, id: number): StoredProgramRow | undefined {
  return prepare(context, programRowSql).get(id) as StoredProgramRow | undefined;
}

/**
 * How to store `node` (about to get `id`): a multi-file program as its delta against its first
 * parent, or against the seed when it has none; whole when it is a single file, when the base is
 * missing or not a bundle, when the chain would pass `maxDeltaDepth`, or when the delta is no
 * shorter than the program.
 */
export function storedProgramFor(context: StoreContext, node: NewNode, id: number): StoredProgram {
  const whole: StoredProgram = { program: node.program, base: null, depth: 0 };
  if (!isFileSetProgram(node.program)) return whole;
  const baseId = node.parentIds[0] ?? (prepare(context, seedIdSql).get() as { id: number } | undefined)?.id;
  if (baseId === undefined || baseId === id) return whole;
  const base = programRow(context, baseId);
  if (base === undefined || base.program_depth + 1 > maxDeltaDepth) return whole;
  const baseProgram = rebuildProgram(context, base);
  const delta = programDelta(baseProgram, node.program);
  if (delta === null || delta.length >= node.program.length) return whole;
  return { program: delta, base: baseId, depth: base.program_depth + 1 };
}

function unbuildable(context: StoreContext, asked: number, at: number, reason: string): AsiEvolveError {
  const where = asked === at ? '' : ` (stored as changes through node ${at})`;
  return new AsiEvolveError(
    'STORE_CORRUPT',
    `${context.file}: node ${asked}'s program cannot be rebuilt${where}: node ${at} ${reason}`,
    { file: context.file, hint: `the database is damaged; node ${asked} and the nodes stored after it may be lost` },
  );
}

/**
 * The whole program of a stored row, applying the deltas from the nearest whole program (or
 * cached one) up to it. Each rebuilt program must have the row's stored length.
 * @throws AsiEvolveError('STORE_CORRUPT') naming the node when a base is missing or a delta does not apply
 */
export function rebuildProgram(context: StoreContext, row: StoredProgramRow, cache?: ProgramCache): string {
  if (row.program_base === null) return row.program;
  const cached = cache?.get(row.id);
  if (cached !== undefined) return cached;
  const chain: StoredProgramRow[] = [row];
  let start: string | undefined;
  for (;;) {
    const top = chain[chain.length - 1] as StoredProgramRow;
    if (top.program_base === null) {
      start = top.program;
      chain.pop();
      break;
    }
    const hit = cache?.get(top.program_base);
    if (hit !== undefined) {
      start = hit;
      break;
    }
    // Depths are bounded when written; a longer chain is a loop in damaged rows.
    if (chain.length > maxDeltaDepth * 4) throw unbuildable(context, row.id, top.id, 'is stored in a loop of changes');
    const base = programRow(context, top.program_base);
    if (base === undefined) {
      throw unbuildable(context, row.id, top.id, `is stored as changes to node ${top.program_base}, which is missing`);
    }
    chain.push(base);
  }
  let program = start;
  for (let index = chain.length - 1; index >= 0; index--) {
    const link = chain[index] as StoredProgramRow;
    const applied = applyProgramDelta(program, link.program);
    if (!applied.ok) throw unbuildable(context, row.id, link.id, `has a delta that does not apply: ${applied.reason}`);
    if (applied.program.length !== link.program_length) {
      throw unbuildable(
        context,
        row.id,
        link.id,
        `rebuilds to ${applied.program.length} characters where ${link.program_length} were stored`,
      );
    }
    program = applied.program;
    cache?.set(link.id, program);
  }
  return program;
}

/**
 * Before node `id` is deleted: every node stored as changes to it is stored again, as changes to
 * its base when it has one, else whole, so that no program is lost with it.
 */
export function detachDependents(context: StoreContext, id: number): void {
  const dependents = prepare(
    context,
    'SELECT id, program_base, program_depth, program_length, program FROM nodes WHERE program_base = ?',
  ).all(id) as StoredProgramRow[];
  if (dependents.length === 0) return;
  const removed = programRow(context, id);
  if (removed === undefined) return;
  const removedProgram = rebuildProgram(context, removed);
  const newBase = removed.program_base === null ? undefined : programRow(context, removed.program_base);
  const newBaseProgram = newBase === undefined ? undefined : rebuildProgram(context, newBase);
  const update = prepare(context, 'UPDATE nodes SET program = ?, program_base = ?, program_depth = ? WHERE id = ?');
  for (const dependent of dependents) {
    const cache: ProgramCache = new Map([[id, removedProgram]]);
    const program = rebuildProgram(context, dependent, cache);
    const delta = newBase === undefined || newBaseProgram === undefined ? null : programDelta(newBaseProgram, program);
    if (delta === null || newBase === undefined || delta.length >= program.length) {
      update.run(program, null, 0, dependent.id);
    } else {
      update.run(delta, newBase.id, newBase.program_depth + 1, dependent.id);
    }
  }
}
