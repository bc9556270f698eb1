import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { CognitionItem } from '../item.js';
import { parseMarkdownCognition } from './parse-markdown.js';
import { parseJsonCognition, parseJsonLinesCognition, parseYamlCognition } from './parse-structured.js';
import type { CognitionImportProblem, CognitionImportResult } from './problem.js';

/** The formats a cognition file may be written in. */
export type CognitionFileFormat = 'yaml' | 'json' | 'jsonl' | 'markdown';

const formatsByExtension: Record<string, CognitionFileFormat> = {
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.md': 'markdown',
  '.markdown': 'markdown',
};

/** File name endings that `importCognitionFile` reads. */
export const cognitionFileExtensions: readonly string[] = Object.keys(formatsByExtension);

/** The format a file name implies, or undefined when it is not a cognition file. */
export function cognitionFormatOf(path: string): CognitionFileFormat | undefined {
  return formatsByExtension[extname(path).toLowerCase()];
}

/**
 * Items from text already read, in a known format. `file` is named in problems and, by its
 * base name, is the source of items that name none.
 */
export function parseCognitionText(
  text: string,
  options: { file: string; format: CognitionFileFormat },
): CognitionImportResult {
  const parseOptions = { file: options.file, defaultSource: basename(options.file) };
  const content = text.replace(/^\uFEFF/, '');
  switch (options.format) {
    case 'yaml':
      return parseYamlCognition(content, parseOptions);
    case 'json':
      return parseJsonCognition(content, parseOptions);
    case 'jsonl':
      return parseJsonLinesCognition(content, parseOptions);
    case 'markdown':
      return parseMarkdownCognition(content, parseOptions);
  }
}

/**
 * Read one cognition file (YAML, JSON, JSONL or Markdown, chosen by its extension). It never
 * throws for bad input: what cannot be read is returned as problems and the rest is imported.
 * @example
 * const { items, problems } = importCognitionFile('cognition/seed.yaml');
 */
export function importCognitionFile(path: string): CognitionImportResult {
  const format = cognitionFormatOf(path);
  if (format === undefined) {
    return {
      items: [],
      problems: [
        {
          file: path,
          message: `unsupported file type "${extname(path) || basename(path)}"; expected one of ${cognitionFileExtensions.join(', ')}`,
        },
      ],
    };
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { items: [], problems: [{ file: path, message: `cannot read the file: ${readErrorMessage(error)}` }] };
  }
  return withoutDuplicates(parseCognitionText(text, { file: path, format }), path);
}

/**
 * Keep the first item of each id and report the others, so that an import never silently
 * replaces an item with another one of the same id.
 */
export function withoutDuplicates(
  result: CognitionImportResult,
  file: string,
  seen = new Map<string, string>(),
): CognitionImportResult {
  const items: CognitionItem[] = [];
  const problems: CognitionImportProblem[] = [...result.problems];
  for (const item of result.items) {
    const firstFile = seen.get(item.id);
    if (firstFile === undefined) {
      seen.set(item.id, file);
      items.push(item);
    } else {
      problems.push({
        file,
        message: `duplicate item id "${item.id}" ("${item.title}"), first imported from ${firstFile}; skipped`,
      });
    }
  }
  return { items, problems };
}

function readErrorMessage(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'it does not exist';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  return error instanceof Error ? error.message : String(error);
}
