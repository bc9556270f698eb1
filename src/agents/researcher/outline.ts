import { posix } from 'node:path';

/** A read-only file of the project: its content, or null when it was too large or not text. */
export interface OutlineFile {
  path: string;
  content: string | null;
}

const longestLine = 200;

/** Top-level names and signatures, per language, by a line pattern: enough to call into a file. */
const signaturePatterns: Array<{ extensions: string[]; pattern: RegExp }> = [
  {
    extensions: ['.py', '.pyi'],
    pattern: /^(?:[ \t]*(?:async[ \t]+)?def[ \t]+\w+|[ \t]*class[ \t]+\w+|[A-Za-z_]\w*[ \t]*(?::[^=\n]+)?=(?!=))/,
  },
  {
    extensions: ['.js', '.mjs', '.cjs', '.jsx', '.ts', '.mts', '.cts', '.tsx'],
    pattern:
      /^(?:export[ \t]+)?(?:default[ \t]+)?(?:declare[ \t]+)?(?:async[ \t]+)?(?:function\*?|class|interface|type|enum|const|let|var)[ \t]+\w+/,
  },
  {
    extensions: [
      '.c',
      '.h',
      '.cc',
      '.cpp',
      '.cxx',
      '.hpp',
      '.hh',
      '.cu',
      '.cuh',
      '.java',
      '.cs',
      '.go',
      '.rs',
      '.swift',
      '.kt',
    ],
    pattern:
      /^(?:(?:pub(?:\([^)]*\))?[ \t]+)?(?:fn|struct|enum|trait|impl|mod|type|func|class|interface|typedef|namespace|template)\b|#define[ \t]+\w+|[A-Za-z_][\w:<>,*& \t]*[ \t*&]\w+[ \t]*\([^;{]*\)?[ \t]*(?:const[ \t]*)?\{?[ \t]*$)/,
  },
];

function signatureLines(path: string, content: string): string[] {
  const extension = posix.extname(path).toLowerCase();
  const entry = signaturePatterns.find((candidate) => candidate.extensions.includes(extension));
  if (entry === undefined) return [];
  return content
    .split('\n')
    .filter((line) => entry.pattern.test(line))
    .map((line) => {
      const trimmed = line.trimEnd();
      return trimmed.length > longestLine ? `${trimmed.slice(0, longestLine)}…` : trimmed;
    });
}

/** The project paths a file's imports could name (Python modules, relative JS/TS imports, C includes). */
function importedPaths(path: string, content: string): string[] {
  const folder = posix.dirname(path);
  const found: string[] = [];
  const python = (module: string, relativeDots: number) => {
    const base = relativeDots > 0 ? posix.join(folder, ...Array<string>(relativeDots - 1).fill('..')) : '';
    const stem = posix.join(base, ...module.split('.').filter((part) => part !== ''));
    found.push(`${stem}.py`, posix.join(stem, '__init__.py'));
  };
  for (const match of content.matchAll(/^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import\b/gm))
    python(match[2] ?? '', (match[1] ?? '').length);
  for (const match of content.matchAll(/^[ \t]*import[ \t]+([\w.]+(?:[ \t]*,[ \t]*[\w.]+)*)/gm))
    for (const module of (match[1] ?? '').split(',')) python(module.trim(), 0);
  for (const match of content.matchAll(/(?:from[ \t]+|require\(|import\()['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const stem = posix.join(folder, match[1] ?? '');
    found.push(stem, ...['.ts', '.tsx', '.js', '.mjs', '/index.ts', '/index.js'].map((ending) => `${stem}${ending}`));
    found.push(stem.replace(/\.js$/, '.ts'));
  }
  for (const match of content.matchAll(/^[ \t]*#[ \t]*include[ \t]+"([^"]+)"/gm))
    found.push(posix.join(folder, match[1] ?? ''), posix.normalize(match[1] ?? ''));
  return found;
}

/**
 * The read-only part of a project as the Researcher sees it, within `budget` characters: each
 * file's path with its top-level names and signatures, the files the editable ones import
 * first; past the budget, names only, then a count of what was left out.
 * @example projectOutline([{ path: 'train.py', content: 'def train(cfg):\n  …' }], new Map(), 2000)
 * // 'train.py\n  def train(cfg):\n'
 */
export function projectOutline(
  files: readonly OutlineFile[],
  editable: ReadonlyMap<string, string>,
  budget: number,
): string {
  if (budget <= 0 || files.length === 0) return '';
  const imported = new Set<string>();
  for (const [path, content] of editable) for (const target of importedPaths(path, content)) imported.add(target);
  const ordered = [
    ...files.filter((file) => imported.has(file.path)),
    ...files.filter((file) => !imported.has(file.path)),
  ];
  const parts: string[] = [];
  let used = 0;
  let left = 0;
  for (const file of ordered) {
    const lines = file.content === null ? [] : signatureLines(file.path, file.content);
    const full = `${file.path}${imported.has(file.path) ? '  (imported by an editable file)' : ''}\n${lines.map((line) => `  ${line}\n`).join('')}`;
    const nameOnly = `${file.path}\n`;
    if (used + full.length <= budget) {
      parts.push(full);
      used += full.length;
    } else if (used + nameOnly.length <= budget) {
      parts.push(nameOnly);
      used += nameOnly.length;
    } else left++;
  }
  if (left > 0) parts.push(`… and ${left} more file${left === 1 ? '' : 's'}\n`);
  return parts.join('');
}
