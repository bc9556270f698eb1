import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AsiEvolveError } from '../../errors.js';
import type { NodeRecord } from '../../store/index.js';
import { openExperimentStore } from './open-experiment-store.js';

const csvColumns = [
  'id',
  'step',
  'name',
  'score',
  'evalScore',
  'success',
  'error',
  'parentIds',
  'operator',
  'island',
  'runtimeMs',
  'costUsd',
  'motivation',
] as const;

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : Array.isArray(value) ? value.join(' ') : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const exportFormats = ['jsonl', 'json', 'csv'] as const;
export type ExportFormat = (typeof exportFormats)[number];

/** Nodes as JSON lines or one JSON array (every field, a node a line), or CSV (the summary columns). */
export function formatNodes(nodes: readonly NodeRecord[], format: ExportFormat): string {
  if (format === 'jsonl') return nodes.map((node) => JSON.stringify(node)).join('\n') + (nodes.length ? '\n' : '');
  if (format === 'json')
    return nodes.length === 0 ? '[]\n' : `[\n${nodes.map((node) => JSON.stringify(node)).join(',\n')}\n]\n`;
  const rows = nodes.map((node) => csvColumns.map((column) => csvCell(node[column])).join(','));
  return `${csvColumns.join(',')}\n${rows.join('\n')}${rows.length ? '\n' : ''}`;
}

function isExportFormat(format: string): format is ExportFormat {
  return (exportFormats as readonly string[]).includes(format);
}

/** `export DIR [--format jsonl|json|csv | --json] [--output FILE]`; `--json` is `--format json`. */
export function exportCommand(
  dir: string,
  options: { format: string; json?: boolean; output?: string },
  write: (text: string) => void,
): void {
  const format = options.json ? 'json' : options.format;
  if (!isExportFormat(format)) {
    throw new AsiEvolveError('USAGE', `--format expects ${exportFormats.join(', ')}, got '${format}'`);
  }
  if (options.json && options.format !== 'jsonl' && options.format !== 'json') {
    throw new AsiEvolveError('USAGE', `--json and --format ${options.format} ask for two formats; give one`);
  }
  const store = openExperimentStore(dir);
  try {
    const text = formatNodes(store.listNodes(), format);
    if (options.output) writeOutput(options.output, text);
    else write(text);
  } finally {
    store.close();
  }
}

/** Writes the export file, creating its folder like `report --output` does; a path that cannot be written is the user's to fix. */
function writeOutput(file: string, text: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  } catch (error) {
    throw new AsiEvolveError(
      'USAGE',
      `cannot write --output ${file}: ${error instanceof Error ? error.message : String(error)}`,
      {
        file,
        cause: error,
        hint: 'choose a file in a folder you can write',
      },
    );
  }
}
