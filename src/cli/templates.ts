import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the package's examples live (dist/cli → package root). */
export function examplesRoot(): string {
  return fileURLToPath(new URL('../../examples/', import.meta.url));
}

/** The examples `init --template` can copy: folders with a task (shared test helpers live beside them). */
export function listTemplates(): string[] {
  const root = examplesRoot();
  return existsSync(root)
    ? readdirSync(root, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'input.md')))
        .map((entry) => entry.name)
        .sort()
    : [];
}
