import { parse as parseYaml } from 'yaml';
import type { CognitionItem } from '../item.js';
import { normaliseCognitionItem } from './normalise-item.js';
import type { CognitionImportProblem, CognitionImportResult } from './problem.js';
import type { StructuredParseOptions } from './parse-structured.js';

interface Section {
  heading: string | undefined;
  level: number;
  line: number;
  body: string[];
}

const headingPattern = /^(#{1,2})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const fencePattern = /^ {0,3}(`{3,}|~{3,})/;
const listEntryPattern = /^(?:[-*+]|\d+[.)])[ \t]+(.*)$/;
const fieldPattern = /^(tags|source|id):[ \t]*(.+)$/i;

/**
 * Items from Markdown:
 * - with `#` or `##` headings: one item per heading, its body up to the next such heading
 *   (deeper headings stay in the body). A `#` heading with no body of its own is taken as the
 *   document's title and skipped; a `##` heading with no body is a problem. Text before the
 *   first heading is an item of its own. A body may start with `Tags: a, b`, `Source: …` and
 *   `Id: …` lines.
 * - without headings: one item per top-level list entry (`-`, `*`, `+`, `1.`), with its
 *   indented continuation lines; a file with neither is one item.
 * Headings inside fenced code blocks are ignored. A leading `---` front matter may give
 * `source` and `tags` for every item of the file.
 */
export function parseMarkdownCognition(text: string, options: StructuredParseOptions): CognitionImportResult {
  const problems: CognitionImportProblem[] = [];
  const lines = text.split(/\r?\n/);
  const { defaults, firstLine } = readFrontMatter(lines, options, problems);
  const defaultSource = defaults.source ?? options.defaultSource;

  const sections = splitSections(lines, firstLine);
  const hasHeadings = sections.some((section) => section.heading !== undefined);
  const drafts: Array<{ record: Record<string, unknown>; line: number; label: string }> = [];

  if (hasHeadings) {
    for (const section of sections) {
      const { fields, body } = readFields(section.body);
      if (body.length === 0) {
        if (section.heading !== undefined && section.level === 2) {
          problems.push({
            file: options.file,
            line: section.line,
            message: `heading "${section.heading}" has no content; skipped`,
          });
        }
        continue;
      }
      const label = section.heading === undefined ? 'text before the first heading' : `heading "${section.heading}"`;
      drafts.push({ record: { title: section.heading, content: body, ...fields }, line: section.line, label });
    }
  } else {
    const entries = listEntries(lines, firstLine);
    if (entries.length > 0) {
      for (const entry of entries)
        drafts.push({ record: { content: entry.content }, line: entry.line, label: `list entry` });
    } else {
      const body = lines.slice(firstLine).join('\n').trim();
      if (body.length > 0) drafts.push({ record: { content: body }, line: firstLine + 1, label: 'the file' });
    }
  }

  const items: CognitionItem[] = [];
  for (const draft of drafts) {
    const tags = [...(defaults.tags ?? []), ...splitTags(draft.record.tags)];
    const outcome = normaliseCognitionItem({ ...draft.record, tags }, { defaultSource });
    if ('item' in outcome) items.push(outcome.item);
    else problems.push({ file: options.file, line: draft.line, message: `${draft.label} ${outcome.error}; skipped` });
  }
  return { items, problems };
}

function readFrontMatter(
  lines: string[],
  options: StructuredParseOptions,
  problems: CognitionImportProblem[],
): { defaults: { source?: string; tags?: string[] }; firstLine: number } {
  if (lines[0]?.trim() !== '---') return { defaults: {}, firstLine: 0 };
  const end = lines.findIndex((line, index) => index > 0 && (line.trim() === '---' || line.trim() === '...'));
  if (end < 0) return { defaults: {}, firstLine: 0 };
  try {
    const data: unknown = parseYaml(lines.slice(1, end).join('\n'));
    const record = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
    const source = typeof record.source === 'string' ? record.source : undefined;
    const tags = splitTags(record.tags);
    return { defaults: { ...(source === undefined ? {} : { source }), tags }, firstLine: end + 1 };
  } catch (error) {
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    problems.push({ file: options.file, line: 1, message: `front matter is not valid YAML (${message}); ignored` });
    return { defaults: {}, firstLine: end + 1 };
  }
}

function splitSections(lines: string[], firstLine: number): Section[] {
  const sections: Section[] = [{ heading: undefined, level: 0, line: firstLine + 1, body: [] }];
  let fence: string | undefined;
  for (let index = firstLine; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const fenceMatch = fencePattern.exec(line);
    if (fenceMatch?.[1] !== undefined) {
      const marker = fenceMatch[1];
      if (fence === undefined) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
    }
    const heading = fence === undefined && fenceMatch === null ? headingPattern.exec(line) : null;
    if (heading?.[1] !== undefined && (heading[2] ?? '').trim().length > 0) {
      const title = (heading[2] ?? '').replace(/[`*_]{1,3}/g, '').trim();
      sections.push({ heading: title, level: heading[1].length, line: index + 1, body: [] });
    } else {
      sections[sections.length - 1]?.body.push(line);
    }
  }
  return sections;
}

function readFields(body: string[]): { fields: Record<string, string>; body: string } {
  const fields: Record<string, string> = {};
  let index = 0;
  while (index < body.length && (body[index] ?? '').trim().length === 0) index++;
  for (; index < body.length; index++) {
    const match = fieldPattern.exec((body[index] ?? '').trim());
    if (match?.[1] === undefined || match[2] === undefined) break;
    fields[match[1].toLowerCase()] = match[2].trim();
  }
  return { fields, body: body.slice(index).join('\n').trim() };
}

function listEntries(lines: string[], firstLine: number): Array<{ content: string; line: number }> {
  const entries: Array<{ content: string[]; line: number }> = [];
  let current: { content: string[]; line: number } | undefined;
  let fence: string | undefined;
  for (let index = firstLine; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const fenceMatch = fencePattern.exec(line);
    const inFence = fence !== undefined;
    if (fenceMatch?.[1] !== undefined) {
      const marker = fenceMatch[1];
      if (fence === undefined) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
    }
    const entry = inFence || fenceMatch !== null ? null : listEntryPattern.exec(line);
    if (entry?.[1] !== undefined) {
      current = { content: [entry[1]], line: index + 1 };
      entries.push(current);
    } else if (
      current !== undefined &&
      (line.trim().length === 0 || /^\s/.test(line) || inFence || fenceMatch !== null)
    ) {
      current.content.push(line);
    } else {
      current = undefined;
    }
  }
  return entries
    .map((entry) => ({ content: dedent(entry.content).trim(), line: entry.line }))
    .filter((entry) => entry.content.length > 0);
}

function dedent(lines: string[]): string {
  const [first = '', ...rest] = lines;
  const indents = rest.filter((line) => line.trim().length > 0).map((line) => /^\s*/.exec(line)?.[0].length ?? 0);
  const cut = indents.length > 0 ? Math.min(...indents) : 0;
  return [first, ...rest.map((line) => line.slice(Math.min(cut, line.length - line.trimStart().length)))].join('\n');
}

function splitTags(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((entry): entry is string => typeof entry === 'string');
  if (typeof value === 'string')
    return value
      .split(',')
      .map((tag) => tag.trim())
      .filter((tag) => tag.length > 0);
  return [];
}
