import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What to do with the files and problems met while walking files and folders. */
export interface PathWalk {
  /** Whether a file found inside a folder is passed to `file` (files named directly always are). */
  wanted(path: string): boolean;
  /** A wanted file found in a folder (`named` false), or a file named directly (`named` true). */
  file(path: string, named: boolean): void;
  /** A path that does not exist, or a folder that cannot be read. */
  problem(path: string, message: string): void;
  /** Walk each real folder once, so that links back up the tree or to a folder already walked are skipped. @default false */
  onceByRealPath?: boolean;
}

/**
 * Walks files and folders in the order given: a folder is walked recursively in name order,
 * skipping hidden entries and `node_modules`; files and problems are reported as they are met.
 * @example
 * walkPaths(['papers/'], { wanted: (path) => path.endsWith('.pdf'), file: (path) => found.push(path), problem: report });
 */
export function walkPaths(paths: readonly string[], walk: PathWalk): void {
  const visitedFolders = new Set<string>();
  const walkFolder = (folder: string): void => {
    let names: string[];
    try {
      if (walk.onceByRealPath === true) {
        const real = realpathSync(folder);
        if (visitedFolders.has(real)) return;
        visitedFolders.add(real);
      }
      names = readdirSync(folder).sort();
    } catch (error) {
      walk.problem(folder, `cannot read the folder: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    for (const name of names) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const path = join(folder, name);
      const kind = kindOf(path);
      if (kind === 'folder') walkFolder(path);
      else if (kind === 'file' && walk.wanted(path)) walk.file(path, false);
    }
  };
  for (const path of paths) {
    const kind = kindOf(path);
    if (kind === 'missing') walk.problem(path, 'no such file or folder');
    else if (kind === 'folder') walkFolder(path);
    else walk.file(path, true);
  }
}

function kindOf(path: string): 'file' | 'folder' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'file';
  } catch {
    return 'missing';
  }
}
