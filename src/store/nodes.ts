import { AsiEvolveError } from '../errors.js';
import {
  summaryMetrics,
  type NewNode,
  type NodeRecord,
  type NodeSummary,
  type SampleableNode,
} from '../domain/index.js';
import { prepare, type StoreContext } from './database.js';
import { addEvent } from './events.js';
import { parseJsonObject, toJsonText } from './json.js';
import { getMeta, setMeta } from './key-value.js';
import {
  newNodeParameters,
  nodeColumns,
  nodeFromRow,
  nodeSummaryColumns,
  nodeSummaryFromRow,
  storedMetrics,
  type NodeRow,
  type NodeSummaryRow,
} from './node-rows.js';
import { detachDependents, rebuildProgram, storedProgramFor, type ProgramCache } from './stored-programs.js';

/** The fields `updateNode` may change after the node was written. */
export type NodePatch = Partial<Pick<NodeRecord, 'analysis' | 'metadata' | 'score'>>;

// Ids start at 0 (the seed) and are never reused, even after eviction: the AUTOINCREMENT
// sequence remembers the largest id ever written.
const nextIdSql = `SELECT max(
  coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'nodes'), -1),
  coalesce((SELECT max(id) FROM nodes), -1)
) + 1 AS id`;

const insertedColumns = [
  ...nodeColumns.split(', ').filter((column) => column !== 'visit_count'),
  'program_base',
  'program_depth',
];
const insertSql = `INSERT INTO nodes (${insertedColumns.join(', ')}) VALUES (${insertedColumns.map((column) => `@${column}`).join(', ')})`;

/** Writes one node row (the caller holds the transaction) and returns its id. */
export function insertNodeRow(context: StoreContext, node: NewNode): number {
  const id = node.id ?? (prepare(context, nextIdSql).get() as { id: number }).id;
  const stored = storedProgramFor(context, node, id);
  prepare(context, insertSql).run({
    ...newNodeParameters(node, id, context.now().toISOString()),
    program: stored.program,
    program_base: stored.base,
    program_depth: stored.depth,
  });
  return id;
}

/** A whole row, with the columns that say how its program is stored. */
type StoredNodeRow = NodeRow & { program_base: number | null; program_depth: number };

const storedNodeColumns = `${nodeColumns}, program_base, program_depth`;

/** A row back as a NodeRecord, its program rebuilt when it is stored as changes (stored-programs.ts). */
function storedNodeFromRow(context: StoreContext, row: StoredNodeRow, cache?: ProgramCache): NodeRecord {
  const program = rebuildProgram(context, row, cache);
  return nodeFromRow(program === row.program ? row : { ...row, program }, context.file);
}

/** Adds one visit to each listed node; ids of evicted nodes are skipped. */
export function addVisits(context: StoreContext, ids: readonly number[]): void {
  const statement = prepare(context, 'UPDATE nodes SET visit_count = visit_count + 1 WHERE id = ?');
  for (const id of ids) statement.run(id);
}

export function getNode(context: StoreContext, id: number, cache?: ProgramCache): NodeRecord | undefined {
  const row = prepare(context, `SELECT ${storedNodeColumns} FROM nodes WHERE id = ?`).get(id) as
    StoredNodeRow | undefined;
  return row === undefined ? undefined : storedNodeFromRow(context, row, cache);
}

export function requireNode(context: StoreContext, id: number, cache?: ProgramCache): NodeRecord {
  const node = getNode(context, id, cache);
  if (node === undefined) {
    throw new AsiEvolveError('NODE_NOT_FOUND', `Node ${id} does not exist in ${context.file}`, {
      file: context.file,
      hint: 'list the stored nodes with `asi-evolve status`',
    });
  }
  return node;
}

export function listNodes(context: StoreContext): NodeRecord[] {
  const rows = prepare(context, `SELECT ${storedNodeColumns} FROM nodes ORDER BY id`).all() as StoredNodeRow[];
  const cache: ProgramCache = new Map();
  return rows.map((row) => storedNodeFromRow(context, row, cache));
}

/** Counts kept as running totals by the database (see migration 003): reading them costs the same at any size. */
export interface NodeTotals {
  nodes: number;
  /** Nodes after the seed (step >= 1), and how many of them succeeded. */
  rounds: number;
  roundsSucceeded: number;
  /** Evaluation time of the rounds, summed. */
  roundsRuntimeMs: number;
  /** The successful node with the highest score (ties: lowest id), or null. */
  bestId: number | null;
}

interface NodeTotalsRow {
  nodes: number;
  rounds: number;
  rounds_succeeded: number;
  rounds_runtime_ms: number;
  best_id: number | null;
}

export function nodeTotals(context: StoreContext): NodeTotals {
  const row = prepare(
    context,
    'SELECT nodes, rounds, rounds_succeeded, rounds_runtime_ms, best_id FROM node_totals WHERE id = 1',
  ).get() as NodeTotalsRow | undefined;
  if (row === undefined) return { nodes: 0, rounds: 0, roundsSucceeded: 0, roundsRuntimeMs: 0, bestId: null };
  return {
    nodes: row.nodes,
    rounds: row.rounds,
    roundsSucceeded: row.rounds_succeeded,
    roundsRuntimeMs: row.rounds_runtime_ms,
    bestId: row.best_id,
  };
}

export function countNodes(context: StoreContext): number {
  return nodeTotals(context).nodes;
}

export function bestNode(context: StoreContext): NodeRecord | undefined {
  const { bestId } = nodeTotals(context);
  return bestId === null ? undefined : getNode(context, bestId);
}

/** Every node's id, in order (read from the primary key alone). */
export function nodeIds(context: StoreContext): number[] {
  return (prepare(context, 'SELECT id FROM nodes ORDER BY id').raw().all() as Array<[number]>).map(([id]) => id);
}

/** When the most recent node was written (ISO time), or null when there is none. */
export function latestNodeTime(context: StoreContext): string | null {
  return (prepare(context, 'SELECT max(created_at) AS latest FROM nodes').get() as { latest: string | null }).latest;
}

/** Every node without its long texts, in id order. */
export function nodeSummaries(context: StoreContext): NodeSummary[] {
  const summaries: NodeSummary[] = [];
  for (const row of prepare(
    context,
    `SELECT ${nodeSummaryColumns} FROM nodes ORDER BY id`,
  ).iterate() as IterableIterator<NodeSummaryRow>) {
    summaries.push(nodeSummaryFromRow(row, context.file));
  }
  return summaries;
}

/** The summary of one node, or undefined. */
export function getNodeSummary(context: StoreContext, id: number): NodeSummary | undefined {
  const row = prepare(context, `SELECT ${nodeSummaryColumns} FROM nodes WHERE id = ?`).get(id) as
    NodeSummaryRow | undefined;
  return row === undefined ? undefined : nodeSummaryFromRow(row, context.file);
}

/** The seed (the first node of step 0), without its long texts. */
export function seedSummary(context: StoreContext): NodeSummary | undefined {
  const row = prepare(context, `SELECT ${nodeSummaryColumns} FROM nodes WHERE step = 0 ORDER BY id LIMIT 1`).get() as
    NodeSummaryRow | undefined;
  return row === undefined ? undefined : nodeSummaryFromRow(row, context.file);
}

/** The last `count` rounds (step >= 1) by id, oldest first, without their long texts. */
export function recentRounds(context: StoreContext, count: number): NodeSummary[] {
  const rows = prepare(context, `SELECT ${nodeSummaryColumns} FROM nodes WHERE step >= 1 ORDER BY id DESC LIMIT ?`).all(
    Math.max(0, Math.floor(count)),
  ) as NodeSummaryRow[];
  return rows.reverse().map((row) => nodeSummaryFromRow(row, context.file));
}

/**
 * Failed rounds counted by reason (the error up to its first colon, `unknown` when none was
 * given), in the order each reason first occurred: read from running totals (migration 004).
 */
export function failureReasons(context: StoreContext): Map<string, number> {
  const rows = prepare(
    context,
    'SELECT reason, count FROM failure_totals WHERE count > 0 ORDER BY first_id',
  ).all() as Array<{
    reason: string;
    count: number;
  }>;
  return new Map(rows.map((row) => [row.reason, row.count]));
}

export function hasSeed(context: StoreContext): boolean {
  return prepare(context, 'SELECT 1 FROM nodes WHERE step = 0 LIMIT 1').get() !== undefined;
}

/** Run-event type written for each evicted node; `completedSteps` reads it, so it is never pruned. */
export const nodeEvictedEvent = 'node-evicted';

/** Steps >= 1 that produced a node, evicted nodes included (their steps are read from the event log). */
export function completedSteps(context: StoreContext): Set<number> {
  // UNION ALL with the Set deduplicating: a UNION would sort every step into a temporary table first.
  const steps = prepare(
    context,
    `SELECT step FROM nodes WHERE step >= 1
     UNION ALL SELECT step FROM run_events WHERE type = '${nodeEvictedEvent}' AND step >= 1`,
  )
    .pluck(true)
    .all() as number[];
  return new Set(steps);
}

export function updateNode(context: StoreContext, id: number, patch: NodePatch): NodeRecord {
  requireNode(context, id);
  const assignments: string[] = [];
  const parameters: Record<string, unknown> = { id };
  if (patch.analysis !== undefined) {
    assignments.push('analysis = @analysis');
    parameters['analysis'] = patch.analysis;
  }
  if (patch.metadata !== undefined) {
    assignments.push('metadata = @metadata');
    parameters['metadata'] = toJsonText(patch.metadata, 'patch.metadata');
  }
  if (patch.score !== undefined) {
    assignments.push('score = @score');
    parameters['score'] = patch.score;
  }
  if (assignments.length > 0) {
    prepare(context, `UPDATE nodes SET ${assignments.join(', ')} WHERE id = @id`).run(parameters);
  }
  return requireNode(context, id);
}

/**
 * Deletes nodes (eviction; the caller holds the transaction). Their LLM calls stay, still
 * carrying the evicted node's id. Each deleted node leaves a `node-evicted` run event with its
 * step and score, so that `completedSteps` still counts its round and a resume never redoes it.
 */
export function deleteNodes(context: StoreContext, ids: readonly number[]): number {
  const find = prepare(context, 'SELECT id, step, score, success FROM nodes WHERE id = ?');
  const remove = prepare(context, 'DELETE FROM nodes WHERE id = ?');
  let deleted = 0;
  for (const id of ids) {
    const row = find.get(id) as { id: number; step: number; score: number | null; success: number } | undefined;
    if (row === undefined) continue;
    detachDependents(context, id);
    remove.run(id);
    deleted++;
    addEvent(context, {
      type: nodeEvictedEvent,
      message: `node ${id} evicted (database.max_size)`,
      data: { nodeId: id, score: row.score, success: row.success === 1 },
      step: row.step,
    });
  }
  return deleted;
}

/** The node, its first parent, that one's first parent… up to a root or an evicted ancestor. */
export function lineage(context: StoreContext, id: number): NodeRecord[] {
  const cache: ProgramCache = new Map();
  const chain = [requireNode(context, id, cache)];
  const seen = new Set([id]);
  for (;;) {
    const parentId = chain[chain.length - 1]?.parentIds[0];
    if (parentId === undefined || seen.has(parentId)) return chain;
    const parent = getNode(context, parentId, cache);
    if (parent === undefined) return chain;
    seen.add(parentId);
    chain.push(parent);
  }
}

/** A row of {@link sampleableNodes}, read as an array: no object with named fields per row. */
type SampleableRow = [
  id: number,
  step: number,
  score: number | null,
  success: number,
  visitCount: number,
  island: number | null,
  programLength: number,
  metrics: string,
];

/** What sampling policies see, read from the stored length and numeric results: no program is read. */
export function sampleableNodes(context: StoreContext): SampleableNode[] {
  const nodes: SampleableNode[] = [];
  // Row by row: each row object is garbage at once, so 100,000 of them are never held together.
  const rows = prepare(
    context,
    'SELECT id, step, score, success, visit_count, island, program_length, metrics FROM nodes ORDER BY id',
  )
    .raw(true)
    .iterate();
  for (const [
    id,
    step,
    score,
    success,
    visitCount,
    island,
    programLength,
    metrics,
  ] of rows as IterableIterator<SampleableRow>) {
    nodes.push({
      id,
      step,
      score,
      success: success === 1,
      visitCount,
      island,
      programLength,
      metrics: storedMetrics(metrics, context.file),
    });
  }
  return nodes;
}

/** The meta key naming the results objects the summaries' metrics were flattened from (sorted JSON list). */
const summaryFlattenKey = 'summary_flatten';
/** Rows re-summarised per read: their results texts are held together. */
const resummarizeBatch = 256;

/**
 * Makes every node's summary metrics what `summaryMetrics(results, flatten)` gives, when the
 * summaries were made with other objects flattened (an experiment resumed with another
 * `objectives.instances`, or nodes imported without it); a no-op, one meta read, otherwise. The
 * results stay as they were: only the derived column changes. Returns how many nodes changed.
 */
export function resummarizeMetrics(context: StoreContext, flatten: readonly string[]): number {
  const wanted = JSON.stringify([...new Set(flatten)].sort());
  if ((getMeta(context, summaryFlattenKey) ?? '[]') === wanted) return 0;
  const read = prepare(context, 'SELECT id, results, metrics FROM nodes WHERE id > ? ORDER BY id LIMIT ?');
  const write = prepare(context, 'UPDATE nodes SET metrics = ? WHERE id = ?');
  let changed = 0;
  let after = -1;
  for (;;) {
    const rows = read.all(after, resummarizeBatch) as Array<{ id: number; results: string; metrics: string }>;
    if (rows.length === 0) break;
    for (const row of rows) {
      const metrics = JSON.stringify(summaryMetrics(parseJsonObject(row.results, 'results', context.file), flatten));
      if (metrics !== row.metrics) {
        write.run(metrics, row.id);
        changed++;
      }
    }
    after = (rows[rows.length - 1] as { id: number }).id;
  }
  setMeta(context, summaryFlattenKey, wanted);
  return changed;
}
