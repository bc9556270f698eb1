import { AsiEvolveError } from '../errors.js';
import type { NewNode, NodeRecord, SampleableNode } from '../domain/index.js';
import { prepare, type StoreContext } from './database.js';
import { addEvent } from './events.js';
import { parseJsonObject, toJsonText } from './json.js';
import { newNodeParameters, nodeColumns, nodeFromRow, type NodeRow } from './node-rows.js';

/** The fields `updateNode` may change after the node was written. */
export type NodePatch = Partial<Pick<NodeRecord, 'analysis' | 'metadata' | 'score'>>;

// Ids start at 0 (the seed) and are never reused, even after eviction: the AUTOINCREMENT
// sequence remembers the largest id ever written.
const nextIdSql = `SELECT max(
  coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'nodes'), -1),
  coalesce((SELECT max(id) FROM nodes), -1)
) + 1 AS id`;

const insertSql = `INSERT INTO nodes (${nodeColumns.replace('visit_count, ', '')}) VALUES (
  @id, @step, @name, @motivation, @program, @results, @analysis, @score, @eval_score, @success, @error,
  @parent_ids, @cognition_ids, @provenance, @runtime_ms, @island, @operator, @metadata, @usage, @cost_usd, @created_at)`;

/** Writes one node row (the caller holds the transaction) and returns its id. */
export function insertNodeRow(context: StoreContext, node: NewNode): number {
  const id = node.id ?? (prepare(context, nextIdSql).get() as { id: number }).id;
  prepare(context, insertSql).run(newNodeParameters(node, id, context.now().toISOString()));
  return id;
}

/** Adds one visit to each listed node; ids of evicted nodes are skipped. */
export function addVisits(context: StoreContext, ids: readonly number[]): void {
  const statement = prepare(context, 'UPDATE nodes SET visit_count = visit_count + 1 WHERE id = ?');
  for (const id of ids) statement.run(id);
}

export function getNode(context: StoreContext, id: number): NodeRecord | undefined {
  const row = prepare(context, `SELECT ${nodeColumns} FROM nodes WHERE id = ?`).get(id) as NodeRow | undefined;
  return row === undefined ? undefined : nodeFromRow(row, context.file);
}

export function requireNode(context: StoreContext, id: number): NodeRecord {
  const node = getNode(context, id);
  if (node === undefined) {
    throw new AsiEvolveError('NODE_NOT_FOUND', `Node ${id} does not exist in ${context.file}`, {
      file: context.file,
      hint: 'list the stored nodes with `asi-evolve status`',
    });
  }
  return node;
}

export function listNodes(context: StoreContext): NodeRecord[] {
  const rows = prepare(context, `SELECT ${nodeColumns} FROM nodes ORDER BY id`).all() as NodeRow[];
  return rows.map((row) => nodeFromRow(row, context.file));
}

export function countNodes(context: StoreContext): number {
  return (prepare(context, 'SELECT count(*) AS count FROM nodes').get() as { count: number }).count;
}

export function bestNode(context: StoreContext): NodeRecord | undefined {
  const row = prepare(
    context,
    `SELECT ${nodeColumns} FROM nodes WHERE success = 1 AND score IS NOT NULL ORDER BY score DESC, id ASC LIMIT 1`,
  ).get() as NodeRow | undefined;
  return row === undefined ? undefined : nodeFromRow(row, context.file);
}

export function hasSeed(context: StoreContext): boolean {
  return prepare(context, 'SELECT 1 FROM nodes WHERE step = 0 LIMIT 1').get() !== undefined;
}

/** Run-event type written for each evicted node; `completedSteps` reads it, so it is never pruned. */
export const nodeEvictedEvent = 'node-evicted';

/** Steps >= 1 that produced a node, evicted nodes included (their steps are read from the event log). */
export function completedSteps(context: StoreContext): Set<number> {
  const rows = prepare(
    context,
    `SELECT step FROM nodes WHERE step >= 1
     UNION SELECT step FROM run_events WHERE type = '${nodeEvictedEvent}' AND step >= 1`,
  ).all() as Array<{ step: number }>;
  return new Set(rows.map((row) => row.step));
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
  const chain = [requireNode(context, id)];
  const seen = new Set([id]);
  for (;;) {
    const parentId = chain[chain.length - 1]?.parentIds[0];
    if (parentId === undefined || seen.has(parentId)) return chain;
    const parent = getNode(context, parentId);
    if (parent === undefined) return chain;
    seen.add(parentId);
    chain.push(parent);
  }
}

interface SampleableRow {
  id: number;
  step: number;
  score: number | null;
  success: number;
  visit_count: number;
  island: number | null;
  program_length: number;
  metrics: string;
}

/** What sampling policies see, read without loading program texts or non-numeric results. */
export function sampleableNodes(context: StoreContext): SampleableNode[] {
  const rows = prepare(
    context,
    `SELECT id, step, score, success, visit_count, island, length(program) AS program_length,
       (SELECT json_group_object(key, value) FROM json_each(nodes.results) WHERE type IN ('integer', 'real')) AS metrics
     FROM nodes ORDER BY id`,
  ).all() as SampleableRow[];
  return rows.map((row) => {
    const metrics: Record<string, number> = {};
    for (const [key, value] of Object.entries(parseJsonObject(row.metrics, 'results', context.file))) {
      if (typeof value === 'number') metrics[key] = value;
    }
    return {
      id: row.id,
      step: row.step,
      score: row.score,
      success: row.success === 1,
      visitCount: row.visit_count,
      island: row.island,
      programLength: row.program_length,
      metrics,
    };
  });
}
