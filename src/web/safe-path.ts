import { lstatSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** A path that was checked to lie inside a folder, or why it was refused. */
export type SafePath =
  { ok: true; path: string; relative: string; isDirectory: boolean } | { ok: false; status: 403 | 404; reason: string };

function refused(reason: string): SafePath {
  return { ok: false, status: 403, reason };
}

/**
 * Resolves `relativePath` inside `root` for reading. Refused (403): absolute paths, `..`
 * segments, NUL bytes, and anything whose real path (symbolic links followed) leaves `root`.
 * Missing (404): a path that does not exist or a link that points nowhere. `relative` is the
 * real path (links followed) relative to `root`, '' for `root` itself.
 * @example
 * const file = resolveInside(experimentDir, 'steps/step_3/stdout.log');
 * if (file.ok) readFileSync(file.path);
 */
export function resolveInside(root: string, relativePath: string): SafePath {
  if (relativePath.includes('\0')) return refused('the path holds a NUL byte');
  if (isAbsolute(relativePath) || /^[a-zA-Z]:/.test(relativePath) || relativePath.startsWith('\\')) {
    return refused('absolute paths are refused');
  }
  if (relativePath.split(/[\\/]/).some((segment) => segment === '..')) return refused('`..` is refused');
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    return { ok: false, status: 404, reason: 'the experiment folder does not exist' };
  }
  const target = resolve(realRoot, relativePath);
  let realTarget: string;
  try {
    lstatSync(target);
    realTarget = realpathSync(target);
  } catch {
    return { ok: false, status: 404, reason: 'no such file' };
  }
  if (realTarget !== realRoot && !realTarget.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep)) {
    return refused('the path leads outside the experiment folder');
  }
  return {
    ok: true,
    path: realTarget,
    relative: relative(realRoot, realTarget),
    isDirectory: lstatSync(realTarget).isDirectory(),
  };
}
