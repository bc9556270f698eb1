import { AsiEvolveError } from '../errors.js';
import type { JsonObject, JsonValue } from '../domain/index.js';

/** JSON text of a value; throws a TypeError naming the field when it cannot be serialised. */
export function toJsonText(value: unknown, field: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new TypeError(
      `${field} cannot be stored as JSON: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
  if (text === undefined) throw new TypeError(`${field} cannot be stored as JSON (got ${typeof value})`);
  return text;
}

function corruptField(file: string, field: string, detail: string): AsiEvolveError {
  return new AsiEvolveError('STORE_CORRUPT', `${file}: stored ${field} ${detail}`, { file, key: field });
}

/** Parses a stored JSON column; damaged text is STORE_CORRUPT. */
export function parseJsonValue(text: string, field: string, file: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw corruptField(file, field, `is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** Parses a stored JSON object column. */
export function parseJsonObject(text: string, field: string, file: string): JsonObject {
  const value = parseJsonValue(text, field, file);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw corruptField(file, field, 'is not a JSON object');
  }
  return value;
}

/** Parses a stored JSON array column. */
export function parseJsonArray(text: string, field: string, file: string): JsonValue[] {
  const value = parseJsonValue(text, field, file);
  if (!Array.isArray(value)) throw corruptField(file, field, 'is not a JSON array');
  return value;
}
