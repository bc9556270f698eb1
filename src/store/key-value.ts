import { prepare, type StoreContext } from './database.js';
import { parseJsonValue, toJsonText } from './json.js';
import type { JsonValue } from '../domain/index.js';

/** The JSON state a sampling policy saved under its name. */
export function loadSamplerState(context: StoreContext, name: string): JsonValue | undefined {
  const row = prepare(context, 'SELECT state FROM sampler_state WHERE name = ?').get(name) as
    { state: string } | undefined;
  return row === undefined ? undefined : parseJsonValue(row.state, `sampler state "${name}"`, context.file);
}

export function saveSamplerState(context: StoreContext, name: string, state: JsonValue): void {
  prepare(
    context,
    `INSERT INTO sampler_state (name, state, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
  ).run(name, toJsonText(state, 'sampler state'), context.now().toISOString());
}

export function getMeta(context: StoreContext, key: string): string | undefined {
  const row = prepare(context, 'SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function setMeta(context: StoreContext, key: string, value: string): void {
  prepare(
    context,
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(key, value);
}
