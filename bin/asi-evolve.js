#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run by `npm install`), which
// also bundles it into dist/bundle/ (scripts/bundle-cli.mjs): the bundle starts in about half the
// CPU time of the separate modules, which stay the fallback.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../dist/bundle/main.js', import.meta.url);
const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('asi-evolve is not built yet: run `npm install` (or `npm run build`) in the package folder.\n');
  process.exit(2);
}
await import(existsSync(fileURLToPath(bundle)) ? bundle.href : entry.href);
