import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AsiEvolveError } from '../../errors.js';
import type { NodeRecord } from '../../store/index.js';
import { openExperimentStore } from './open-experiment-store.js';

const csvColumns = ['id', 'step', 'name', 'score', 'evalScore', 'success', 'error', 'parentIds', 'operator', 'island', 'runtimeMs', 'costUsd', 'motivation'] as const;

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : Array.isArray(value) ? value.join(' ') : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Nodes as JSON lines (every field) or CSV (the summary columns). */
export function formatNodes(nodes: readonly NodeRecord[], format: 'jsonl' | 'csv'): string {
  if (format === 'jsonl') return nodes.map((node) => JSON.stringify(node)).join('\n') + (nodes.length ? '\n' : '');
  const rows = nodes.map((node) => csvColumns.map((column) => csvCell(node[column])).join(','));
  return `${csvColumns.join(',')}\n${rows.join('\n')}${rows.length ? '\n' : ''}`;
}

/** `export DIR --format jsonl|csv [--output FILE]` */
export function exportCommand(dir: string, options: { format: string; output?: string }, write: (text: string) => void): void {
  if (options.format !== 'jsonl' && options.format !== 'csv') {
    throw new AsiEvolveError('USAGE', `--format expects jsonl or csv, got '${options.format}'`);
  }
  const store = openExperimentStore(dir);
  try {
    const text = formatNodes(store.listNodes(), options.format);
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
    throw new AsiEvolveError('USAGE', `cannot write --output ${file}: ${error instanceof Error ? error.message : String(error)}`, {
      file,
      cause: error,
      hint: 'choose a file in a folder you can write',
    });
  }
}
