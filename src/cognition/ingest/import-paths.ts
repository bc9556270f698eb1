import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cognitionFormatOf, importCognitionFile, withoutDuplicates } from './import-file.js';
import type { CognitionImportResult } from './problem.js';

/**
 * Import files and folders. A folder is walked recursively in name order, reading only the
 * files whose extension is a cognition format and skipping hidden entries and `node_modules`;
 * a file named directly must have a supported extension. Ids are unique across everything
 * imported: a later item with an id already seen is reported and skipped.
 * @example
 * const { items, problems } = importCognitionPaths(['cognition/', 'notes.md']);
 */
export function importCognitionPaths(paths: string[]): CognitionImportResult {
  const result: CognitionImportResult = { items: [], problems: [] };
  const seenIds = new Map<string, string>();
  const visitedFolders = new Set<string>();

  const importOne = (file: string): void => {
    const imported = withoutDuplicates(importCognitionFile(file), file, seenIds);
    result.items.push(...imported.items);
    result.problems.push(...imported.problems);
  };

  const walk = (folder: string): void => {
    let names: string[];
    try {
      const real = realpathSync(folder);
      if (visitedFolders.has(real)) return;
      visitedFolders.add(real);
      names = readdirSync(folder).sort();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result.problems.push({ file: folder, message: `cannot read the folder: ${message}` });
      return;
    }
    for (const name of names) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const path = join(folder, name);
      const kind = kindOf(path);
      if (kind === 'folder') walk(path);
      else if (kind === 'file' && cognitionFormatOf(path) !== undefined) importOne(path);
    }
  };

  for (const path of paths) {
    const kind = kindOf(path);
    if (kind === 'missing') {
      result.problems.push({ file: path, message: 'no such file or folder' });
    } else if (kind === 'folder') {
      walk(path);
    } else {
      importOne(path);
    }
  }
  return result;
}

function kindOf(path: string): 'file' | 'folder' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'file';
  } catch {
    return 'missing';
  }
}
