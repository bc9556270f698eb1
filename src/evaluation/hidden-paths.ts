import { existsSync } from 'node:fs';

/** Lines in which a runtime says it could not find or open something. */
const notFoundPattern =
  /no such file|cannot find|can't find|could not find|can't open|cannot open|could not open|not found|does not exist|ENOENT/i;
/** An absolute path inside a message, up to the quote, space or punctuation that ends it. */
const absolutePathPattern = /(?<![\w.~/-])\/[^\s'"`:,;()[\]{}<>]+/g;

/**
 * Absolute paths that an evaluator's output says it could not find or open, in order of first
 * mention (e.g. from `Cannot find module '/opt/lib/scorers.js'` or
 * `[Errno 2] No such file or directory: '/data/points.csv'`).
 *
 * @example missingPathsIn("Error: Cannot find module '/opt/lib/scorers.js'") // ['/opt/lib/scorers.js']
 */
export function missingPathsIn(text: string): string[] {
  const found = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    if (!notFoundPattern.test(line)) continue;
    for (const match of line.matchAll(absolutePathPattern)) {
      const path = match[0].replace(/[.]+$/, '');
      if (path.length > 1) found.add(path);
    }
  }
  return [...found];
}

/**
 * The paths an evaluator could not open although they exist on this machine: hidden by the
 * sandbox's filesystem view (bubblewrap shows only the experiment, the step folder, system
 * folders and `evaluator.sandbox.read_paths`). Only meaningful for a run under bubblewrap.
 *
 * @example pathsHiddenBySandbox(outcome.logs.stderrTail) // ['/opt/lib/scorers.js']
 */
export function pathsHiddenBySandbox(output: string, exists: (path: string) => boolean = existsSync): string[] {
  return missingPathsIn(output).filter((path) => exists(path));
}
