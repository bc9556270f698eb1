import { prepare, type StoreContext } from './database.js';
import { parseJsonObject, toJsonText } from './json.js';
import type { JsonObject, RunEvent } from '../domain/index.js';

/** An event to write; the store assigns its id and time. */
export interface NewRunEvent {
  type: string;
  message: string;
  data?: JsonObject;
  step?: number | null;
}

export interface EventQuery {
  /** Only events with a larger id (for polling: pass the last id seen). */
  sinceId?: number;
  /** At most this many, oldest first. */
  limit?: number;
}

interface EventRow {
  id: number;
  type: string;
  step: number | null;
  message: string;
  data: string;
  created_at: string;
}

export function addEvent(context: StoreContext, event: NewRunEvent): RunEvent {
  const data = event.data ?? {};
  const createdAt = context.now().toISOString();
  const step = event.step ?? null;
  const result = prepare(
    context,
    'INSERT INTO run_events (type, step, message, data, created_at) VALUES (?, ?, ?, ?, ?)',
  ).run(event.type, step, event.message, toJsonText(data, 'event.data'), createdAt);
  return { id: Number(result.lastInsertRowid), type: event.type, step, message: event.message, data, createdAt };
}

/** The id of the newest event, or 0 when there is none. */
export function lastEventId(context: StoreContext): number {
  return (prepare(context, 'SELECT coalesce(max(id), 0) AS id FROM run_events').get() as { id: number }).id;
}

/**
 * The steps of the newest `count` events of `type` that name one, newest first. Read backwards
 * from the newest event (`+type` keeps SQLite off the type index, which would sort every event
 * of the type first): microseconds at 100,000 events.
 */
export function newestEventSteps(context: StoreContext, type: string, count: number): number[] {
  const rows = prepare(
    context,
    'SELECT step FROM run_events WHERE +type = ? AND step IS NOT NULL ORDER BY id DESC LIMIT ?',
  ).all(type, count) as Array<{ step: number }>;
  return rows.map((row) => row.step);
}

export function listEvents(context: StoreContext, query: EventQuery = {}): RunEvent[] {
  const rows = prepare(
    context,
    'SELECT id, type, step, message, data, created_at FROM run_events WHERE id > ? ORDER BY id LIMIT ?',
  ).all(query.sinceId ?? -1, query.limit ?? -1) as EventRow[];
  return rows.map((row) => ({
    id: row.id,
    type: row.type,
    step: row.step,
    message: row.message,
    data: parseJsonObject(row.data, 'event data', context.file),
    createdAt: row.created_at,
  }));
}
