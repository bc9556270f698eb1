// Bundles the built CLI (dist/cli/main.js and everything it imports) into dist/bundle/, which
// bin/asi-evolve.js loads when it is there. Why: Node 20 spends most of a command's start-up
// resolving, reading and compiling some 600 separate ES modules; a few large files start in about
// half the CPU time. dist/ keeps its per-file modules for the library's importers.
import { relative, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const outdir = resolve(root, 'dist', 'bundle');

// Pure-JavaScript packages on the path of every command, bundled with our code. Every other
// package stays a separate import: native modules, optional packages, those that find their own
// files at run time, and those only a rarely used command loads.
const bundled = new Set(['openai', 'zod', 'nunjucks', 'yaml', 'commander', 'js-sdsl', 'p-limit', 'yocto-queue']);

const packageName = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** Leaves every package that is not in `bundled` (and every node: builtin) to Node at run time. */
const externalPackages = {
  name: 'external-packages',
  setup(plugin) {
    plugin.onResolve({ filter: /^[^./]/ }, (args) =>
      args.specifier?.startsWith('node:') || !bundled.has(packageName(args.path))
        ? { path: args.path, external: true }
        : undefined,
    );
  },
};

/**
 * Our modules find files beside themselves (templates, bin/, package.json) through
 * import.meta.url: in the bundle each keeps the URL of its own file in dist/.
 */
const ownFileURLs = {
  name: 'own-file-urls',
  setup(plugin) {
    plugin.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return { contents: source, loader: 'js' };
      const fromBundle = relative(outdir, args.path).split('\\').join('/');
      return {
        contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`),
        loader: 'js',
      };
    });
  },
};

await build({
  entryPoints: { main: resolve(root, 'dist', 'cli', 'main.js') },
  outdir,
  bundle: true,
  splitting: true, // commands stay loaded on demand, each in its own chunk
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // CommonJS packages in the bundle (nunjucks) call require.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  plugins: [externalPackages, ownFileURLs],
  logLevel: 'warning',
});
