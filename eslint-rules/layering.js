// Enforces the parts' layering (docs/architecture.md, "Layers"): a file may import its own part,
// a lower part, or the shared root modules, never a higher part; and it reaches another part only
// through that part's index.ts, never its internal files. Tests and test support may reach inside.
import { dirname, relative, resolve, sep } from 'node:path';

/** Rank of each part under src/: a part may import parts of a lower or equal rank only. */
export const LAYERS = {
  'errors.ts': 0,
  'random.ts': 0,
  'secrets.ts': 0,
  'optional-dependency.ts': 0,
  domain: 0,
  config: 1,
  store: 2,
  sampling: 3,
  llm: 3,
  evaluation: 3,
  cognition: 4,
  cluster: 4,
  agents: 5,
  web: 5,
  importers: 6,
  loop: 6,
  mcp: 7,
  cli: 8,
  'index.ts': 9,
};

/** Parts shared by everyone and imported by file, not through an index. */
const ROOT_MODULES = new Set(['errors.ts', 'random.ts', 'secrets.ts', 'optional-dependency.ts']);

function partOf(srcRoot, file) {
  const rel = relative(srcRoot, file);
  if (rel.startsWith('..')) return null;
  const first = rel.split(sep)[0];
  return first.endsWith('.js') ? first.replace(/\.js$/, '.ts') : first;
}

function isTestFile(file) {
  return /\.(test|case\.test)\.ts$/.test(file) || file.split(sep).includes('test-support');
}

export default {
  rules: {
    layering: {
      meta: {
        type: 'problem',
        docs: { description: 'No import from a higher part, and no deep import into another part.' },
        schema: [],
      },
      create(context) {
        const file = context.filename;
        const srcRoot = resolve(context.cwd, 'src');
        const from = partOf(srcRoot, file);
        if (from === null || isTestFile(file)) return {};
        const check = (node) => {
          const source = node.source?.value;
          if (typeof source !== 'string' || !source.startsWith('.')) return;
          const target = resolve(dirname(file), source);
          const to = partOf(srcRoot, target);
          if (to === null || to === from) return;
          if (!(to in LAYERS) || !(from in LAYERS)) {
            context.report({
              node,
              message: `Part '${to in LAYERS ? from : to}' has no layer: add it to LAYERS in eslint-rules/layering.js.`,
            });
            return;
          }
          if (LAYERS[to] > LAYERS[from]) {
            context.report({
              node,
              message: `'${from}' may not import '${to}', a higher part (see docs/architecture.md, Layers).`,
            });
            return;
          }
          const inside = relative(resolve(srcRoot, to), target);
          if (!ROOT_MODULES.has(to) && inside !== 'index.js') {
            context.report({
              node,
              message: `Import '${to}' through its index.ts, not its internal file '${source}'.`,
            });
          }
        };
        return {
          ImportDeclaration: check,
          ExportNamedDeclaration: check,
          ExportAllDeclaration: check,
          ImportExpression: (node) => check({ ...node, source: node.source }),
        };
      },
    },
  },
};
