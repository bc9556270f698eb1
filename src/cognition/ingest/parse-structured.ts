import { messageOf } from '../../errors.js';
import { LineCounter, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import type { CognitionItem } from '../item.js';
import { normaliseCognitionItem } from './normalise-item.js';
import type { CognitionImportProblem, CognitionImportResult } from './problem.js';

/** Keys under which a file may hold its list of items (`{ items: [...] }`). */
const listKeys = ['items', 'cognition', 'knowledge'];
const contentKeys = ['content', 'text', 'description', 'body'];

/** How to read a structured cognition file. */
export interface StructuredParseOptions {
  /** Named in problems. */
  file: string;
  /** Source of items that name none. */
  defaultSource: string;
}

interface RawEntry {
  raw: unknown;
  label: string;
  line: number | undefined;
  defaultId?: string;
}

/**
 * Items from YAML text. Accepted shapes: a list of items, `{ items: [...] }` (also `cognition:`
 * or `knowledge:`), one item on its own, or a mapping id → item (or id → content string).
 * Several `---` documents are read one after another. A syntax error is a problem with its line.
 */
export function parseYamlCognition(text: string, options: StructuredParseOptions): CognitionImportResult {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter });
  const documentList = Array.isArray(documents) ? documents : [];
  const problems: CognitionImportProblem[] = [];
  for (const document of documentList) {
    for (const error of document.errors) {
      const line = error.linePos?.[0].line;
      problems.push({
        file: options.file,
        ...(line === undefined ? {} : { line }),
        message: `YAML syntax error: ${firstLine(error.message).replace(/:$/, '')}`,
      });
    }
  }
  if (problems.length > 0) return { items: [], problems };
  const entries = documentList.flatMap((document) =>
    entriesOfDocument(document, lineCounter, options, problems, { emptyIsFine: true }),
  );
  return collect(entries, options, problems);
}

/**
 * Items from JSON text, in the same shapes as YAML. The text must be strict JSON; the line of
 * the error is given where it can be found.
 */
export function parseJsonCognition(text: string, options: StructuredParseOptions): CognitionImportResult {
  try {
    JSON.parse(text);
  } catch (error) {
    const lineCounter = new LineCounter();
    const located = parseAllDocuments(text, { lineCounter });
    const documents = Array.isArray(located) ? located : [];
    const line = documents.flatMap((document) => document.errors)[0]?.linePos?.[0].line;
    return {
      items: [],
      problems: [
        {
          file: options.file,
          ...(line === undefined ? {} : { line }),
          message: `JSON syntax error: ${firstLine(messageOf(error))}`,
        },
      ],
    };
  }
  // Valid JSON is valid YAML 1.2; reading it as YAML gives each item its line.
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, uniqueKeys: false });
  const problems: CognitionImportProblem[] = [];
  // Unlike an empty YAML file, a JSON file must hold a value, and `null` or `""` holds no items:
  // most likely a generator that failed, so it is reported rather than read as nothing.
  const entries = (Array.isArray(documents) ? documents : []).flatMap((document) =>
    entriesOfDocument(document, lineCounter, options, problems, { emptyIsFine: false }),
  );
  return collect(entries, options, problems);
}

/** Items from JSON Lines: one item (object or string) per line; a bad line is a problem naming it. */
export function parseJsonLinesCognition(text: string, options: StructuredParseOptions): CognitionImportResult {
  const problems: CognitionImportProblem[] = [];
  const entries: RawEntry[] = [];
  text.split(/\r?\n/).forEach((lineText, index) => {
    if (lineText.trim().length === 0) return;
    const line = index + 1;
    try {
      entries.push({ raw: JSON.parse(lineText), label: `line ${line}`, line });
    } catch (error) {
      problems.push({
        file: options.file,
        line,
        message: `invalid JSON on line ${line}: ${firstLine(messageOf(error))}`,
      });
    }
  });
  return collect(entries, options, problems);
}

function entriesOfDocument(
  document: Document,
  lineCounter: LineCounter,
  options: StructuredParseOptions,
  problems: CognitionImportProblem[],
  { emptyIsFine }: { emptyIsFine: boolean },
): RawEntry[] {
  const lineOf = (node: unknown): number | undefined => {
    const range = (node as YamlNode | null)?.range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  };
  const listEntries = (node: YamlNode): RawEntry[] =>
    isSeq(node)
      ? node.items.map((entry, index) => ({
          raw: isScalar(entry) || isMap(entry) || isSeq(entry) ? entry.toJS(document) : entry,
          label: `item #${index + 1}`,
          line: lineOf(entry),
        }))
      : [];

  const root = document.contents;
  if (root === null || (emptyIsFine && isScalar(root) && (root.value === null || root.value === ''))) return [];
  if (isSeq(root)) return listEntries(root);
  if (!isMap(root)) {
    problems.push({
      file: options.file,
      line: lineOf(root),
      message: `expected a list of items, { items: [...] } or a mapping id → item; found ${describeTopLevel(root)}`,
    });
    return [];
  }
  const keyOf = (key: unknown): string => (isScalar(key) ? String(key.value) : String(key));
  const listPair = root.items.find((pair) => listKeys.includes(keyOf(pair.key)) && isSeq(pair.value));
  if (listPair) return listEntries(listPair.value as YamlNode);
  const isSingleItem = root.items.some((pair) => contentKeys.includes(keyOf(pair.key)) && !isMap(pair.value));
  if (isSingleItem) return [{ raw: root.toJS(document), label: 'the item', line: lineOf(root) }];
  return root.items.map((pair) => {
    const id = keyOf(pair.key);
    const value = pair.value;
    return {
      raw: isScalar(value) || isMap(value) || isSeq(value) ? value.toJS(document) : value,
      label: `item "${id}"`,
      line: lineOf(pair.key),
      defaultId: id,
    };
  });
}

/** What a file holds instead of items, in words: "null", "a number", "a string"… */
function describeTopLevel(node: unknown): string {
  if (!isScalar(node)) return 'a value that is neither a list nor a mapping';
  const value = node.value;
  if (value === null) return 'null';
  if (value === '') return 'an empty string';
  return `a ${typeof value === 'bigint' ? 'number' : typeof value}`;
}

function collect(
  entries: RawEntry[],
  options: StructuredParseOptions,
  problems: CognitionImportProblem[],
): CognitionImportResult {
  const items: CognitionItem[] = [];
  for (const entry of entries) {
    const outcome = normaliseCognitionItem(entry.raw, {
      defaultSource: options.defaultSource,
      ...(entry.defaultId === undefined ? {} : { defaultId: entry.defaultId }),
    });
    if ('item' in outcome) {
      items.push(outcome.item);
    } else {
      problems.push({
        file: options.file,
        ...(entry.line === undefined ? {} : { line: entry.line }),
        message: `${entry.label} ${outcome.error}; skipped`,
      });
    }
  }
  return { items, problems };
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
