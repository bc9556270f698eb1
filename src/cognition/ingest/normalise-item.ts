import { createHash } from 'node:crypto';
import type { JsonObject, JsonValue } from '../../domain/index.js';
import type { CognitionItem } from '../item.js';

/**
 * Turning whatever a user (or the reference tool) wrote into a `CognitionItem`. Accepted:
 * - a plain string: the content;
 * - an object with the content under `content`, `text`, `description` or `body` (a list of
 *   strings is joined by new lines); the title under `title`, `name`, `heading` or `topic`
 *   (else the first words of the content); the source under `source`,
 *   `reference`, `paper`, `url` or `origin` (else the file name); tags under `tags`,
 *   `keywords` or `tag` (a list, or one comma-separated string); metadata under `metadata`,
 *   `meta` or `meta_info`. Any other key is kept in the metadata, so nothing is lost.
 * A missing id becomes `cog-` + 16 hex digits of SHA-256 over title and content: stable across
 * imports, so re-importing a file updates its items instead of duplicating them.
 */

const contentKeys = ['content', 'text', 'description', 'body'];
const titleKeys = ['title', 'name', 'heading', 'topic'];
const sourceKeys = ['source', 'reference', 'paper', 'url', 'origin'];
const tagKeys = ['tags', 'keywords', 'tag'];
const metadataKeys = ['metadata', 'meta', 'meta_info'];
const knownKeys = new Set(['id', ...contentKeys, ...titleKeys, ...sourceKeys, ...tagKeys, ...metadataKeys]);

/** Where a raw item came from, for its defaults and for problem messages. */
export interface NormaliseContext {
  /** Source used when the item names none (the file name). */
  defaultSource: string;
  /** Id to use when the item has none (the key of an id→item mapping). */
  defaultId?: string;
}

/** Either the item, or why there is none (the caller adds file and position). */
export type NormaliseOutcome = { item: CognitionItem } | { error: string };

/** The id an item gets when none is given: a hash of its title and content. */
export function stableCognitionId(title: string, content: string): string {
  return `cog-${createHash('sha256').update(`${title}\n${content}`).digest('hex').slice(0, 16)}`;
}

/** A short title from the first words of a text, without Markdown marks. */
export function titleFromText(text: string, maxWords = 8): string {
  const firstLine =
    text
      .split('\n')
      .map((line) => plainText(line))
      .find((line) => line.length > 0) ?? '';
  const sentence = firstLine.split(/(?<=[.!?])\s+(?=[A-Z])/)[0] ?? firstLine;
  const words = sentence.split(/\s+/).filter((word) => word.length > 0);
  let title = words.slice(0, maxWords).join(' ');
  let shortened = words.length > maxWords;
  if (title.length > 80) {
    const cut = title.lastIndexOf(' ', 79);
    title = title.slice(0, cut > 20 ? cut : 79).trimEnd();
    shortened = true;
  }
  title = title.replace(/[.,;:!?]+$/, '');
  return shortened ? `${title}…` : title;
}

function plainText(line: string): string {
  return line
    .replace(/^\s*(?:#{1,6}\s+|[-*+>]\s+|\d+[.)]\s+)/, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`+|\*{1,3}/g, '')
    .replace(/(^|\s)_{1,3}|_{1,3}(?=\s|$|[.,;:!?])/g, '$1')
    .trim();
}

/** Normalise one raw item; see the module comment for what is accepted. */
export function normaliseCognitionItem(raw: unknown, context: NormaliseContext): NormaliseOutcome {
  if (typeof raw === 'string') return build({ content: raw }, context);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { error: `expected an object with a "content" field or a string, found ${describe(raw)}` };
  }
  return build(raw as Record<string, unknown>, context);
}

function build(record: Record<string, unknown>, context: NormaliseContext): NormaliseOutcome {
  const contentValue = pick(record, contentKeys);
  const content = textOf(contentValue)?.trim() ?? '';
  if (content.length === 0) {
    return contentValue === undefined
      ? { error: 'has no content (expected one of: content, text, description, body)' }
      : { error: `has empty or non-text content (${describe(contentValue)})` };
  }

  const givenMetadata = pick(record, metadataKeys);
  const metadata: JsonObject = {};
  for (const [key, value] of Object.entries(record)) {
    if (!knownKeys.has(key) && value !== undefined) metadata[key] = toJsonValue(value);
  }
  if (typeof givenMetadata === 'object' && givenMetadata !== null && !Array.isArray(givenMetadata)) {
    Object.assign(metadata, toJsonValue(givenMetadata) as JsonObject);
  } else if (givenMetadata !== undefined) {
    metadata.metadata = toJsonValue(givenMetadata);
  }

  const title = scalarText(pick(record, titleKeys)) ?? titleFromText(content);
  const id = scalarText(record.id) ?? context.defaultId ?? stableCognitionId(title, content);
  const source = scalarText(pick(record, sourceKeys)) ?? context.defaultSource;
  const tags = tagsOf(pick(record, tagKeys));
  return { item: { id, title, content, source, tags, metadata } };
}

function pick(record: Record<string, unknown>, keys: string[]): unknown {
  for (const key of keys) {
    if (record[key] !== undefined && record[key] !== null) return record[key];
  }
  return undefined;
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length > 0 && value.every((entry) => typeof entry === 'string')) {
    return value.join('\n');
  }
  return undefined;
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed.length > 0 ? trimmed : undefined;
}

function tagsOf(value: unknown): string[] {
  const entries = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  const tags: string[] = [];
  for (const entry of entries) {
    const tag = scalarText(entry);
    if (tag !== undefined && !tags.includes(tag)) tags.push(tag);
  }
  return tags;
}

/** Keep only what JSON can hold: non-finite numbers become null, undefined entries are dropped. */
export function toJsonValue(value: unknown): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((entry) => toJsonValue(entry));
  if (typeof value === 'object') {
    const result: JsonObject = {};
    for (const [key, entry] of Object.entries(value)) {
      if (entry !== undefined) result[key] = toJsonValue(entry);
    }
    return result;
  }
  return String(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return value.trim().length === 0 ? 'an empty string' : 'a string';
  const kind = typeof value;
  return kind === 'object' || kind === 'undefined' ? `an ${kind}` : `a ${kind}`;
}
