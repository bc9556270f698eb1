import { walkPaths } from '../walk-paths.js';
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
  walkPaths(paths, {
    wanted: (path) => cognitionFormatOf(path) !== undefined,
    file: (file) => {
      const imported = withoutDuplicates(importCognitionFile(file), file, seenIds);
      result.items.push(...imported.items);
      result.problems.push(...imported.problems);
    },
    problem: (file, message) => result.problems.push({ file, message }),
    onceByRealPath: true,
  });
  return result;
}
