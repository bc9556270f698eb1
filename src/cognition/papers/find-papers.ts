import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';

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
    if (!seen.has(file)) {
      seen.add(file);
      found.files.push(file);
    }
  };
  const walk = (folder: string): void => {
    let names: string[];
    try {
      names = readdirSync(folder).sort();
    } catch (error) {
      found.problems.push({ file: folder, message: `cannot read the folder: ${error instanceof Error ? error.message : String(error)}` });
      return;
    }
    for (const name of names) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const path = join(folder, name);
      const kind = kindOf(path);
      if (kind === 'folder') walk(path);
      else if (kind === 'file' && paperExtensions.includes(extname(name).toLowerCase())) add(path);
    }
  };
  for (const path of paths) {
    const kind = kindOf(path);
    if (kind === 'missing') found.problems.push({ file: path, message: 'no such file or folder' });
    else if (kind === 'folder') walk(path);
    else if (paperExtensions.includes(extname(path).toLowerCase())) add(path);
    else found.problems.push({ file: path, message: `not a paper: expected one of ${paperExtensions.join(', ')}` });
  }
  return found;
}

function kindOf(path: string): 'file' | 'folder' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'file';
  } catch {
    return 'missing';
  }
}
