import { realpathSync } from 'node:fs';
import { extname } from 'node:path';
import { walkPaths } from '../walk-paths.js';

/** File name endings read as papers. */
export const paperExtensions: readonly string[] = ['.pdf', '.txt', '.text', '.md', '.markdown'];

/** Papers found under the given paths, and what could not be used. */
export interface FoundPapers {
  files: string[];
  problems: Array<{ file: string; message: string }>;
}

/**
 * The paper files among files and folders: folders are walked recursively in name order
 * (hidden entries and node_modules skipped) for `.pdf`, `.txt`, `.md` files; a file named
 * directly must have one of those endings. Each file is listed once.
 */
export function findPaperFiles(paths: readonly string[]): FoundPapers {
  const found: FoundPapers = { files: [], problems: [] };
  const seen = new Set<string>();
  const add = (file: string): void => {
    // By real path: a link to a paper or folder already found would otherwise be ingested (and paid for) again.
    const key = realPathOr(file);
    if (!seen.has(key)) {
      seen.add(key);
      found.files.push(file);
    }
  };
  walkPaths(paths, {
    wanted: isPaper,
    file: (path, named) => {
      if (!named || isPaper(path)) add(path);
      else found.problems.push({ file: path, message: `not a paper: expected one of ${paperExtensions.join(', ')}` });
    },
    problem: (file, message) => found.problems.push({ file, message }),
    onceByRealPath: true,
  });
  return found;
}

function isPaper(path: string): boolean {
  return paperExtensions.includes(extname(path).toLowerCase());
}

function realPathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
