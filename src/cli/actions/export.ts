import { AsiEvolveError } from '../../errors.js';
import type { NodeRecord } from '../../store/index.js';
import { openExperimentStore } from './open-experiment-store.js';
import { exportGit, writeTextFile } from './project-output.js';

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

/**
 * `export DIR [--format jsonl|json|csv | --json] [--output FILE]`; `--json` is `--format json`.
 * `export DIR --git REPO [--project DIR]`: the best node's lineage as git commits instead.
 */
export function exportCommand(
  dir: string,
  options: { format: string; json?: boolean; output?: string; git?: string; project?: string },
  write: (text: string) => void,
): void {
  if (options.git !== undefined) {
    if (options.json || options.output !== undefined || options.format !== 'jsonl') {
      throw new AsiEvolveError('USAGE', '--git writes a repository; it takes no --format, --json or --output');
    }
    exportGitCommand(dir, options.git, options.project, write);
    return;
  }
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
    if (options.output) writeTextFile(options.output, text, '--output');
    else write(text);
  } finally {
    store.close();
  }
}

function exportGitCommand(dir: string, repo: string, project: string | undefined, write: (text: string) => void): void {
  const store = openExperimentStore(dir);
  try {
    const made = exportGit(store, { dir, repo, project });
    write(
      `Exported the seed and ${made.nodeIds.length} node(s) of the best lineage to ${made.repo} (branch ${made.branch})\n`,
    );
  } finally {
    store.close();
  }
}
