import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { dashboardPages, pageHtml } from './assets/pages.js';
import { dashboardCss } from './assets/styles.js';

const javascript = 'text/javascript; charset=utf-8';
const css = 'text/css; charset=utf-8';

/**
 * The folder of the page bundles that `npm run build` makes from src/web/client/ with esbuild:
 * beside this module in dist/, or dist/web/client/ when this module runs from src/ (vitest, tsx).
 */
const bundleFolder = import.meta.url.endsWith('.ts')
  ? new URL('../../dist/web/client/', import.meta.url)
  : new URL('./client/', import.meta.url);

/** The page bundles, by file name under /assets/. */
const bundleNames = new Set<string>(Object.values(dashboardPages).map((page) => page.script));

/** uPlot's files, read once from the installed package (never from a CDN). */
const uplotFiles: Record<string, { path: string; type: string }> = {
  'uplot.js': { path: 'uplot/dist/uPlot.iife.min.js', type: javascript },
  'uplot.css': { path: 'uplot/dist/uPlot.min.css', type: css },
};

const fileCache = new Map<string, string>();

function cachedRead(path: string): string {
  let body = fileCache.get(path);
  if (body === undefined) {
    body = readFileSync(path, 'utf8');
    fileCache.set(path, body);
  }
  return body;
}

/** A page bundle's text, or why it cannot be served (the build has not run). */
export function readPageBundle(name: string, folder: URL = bundleFolder): { body: string } | { missing: string } {
  const path = fileURLToPath(new URL(name, folder));
  try {
    return { body: cachedRead(path) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return { missing: `The dashboard's script ${path} is missing: run \`npm run build\` to bundle src/web/client/.` };
  }
}

/** The HTML pages (`/`, `/node`, `/cognition`) and every asset they load, all served locally. */
export function createStaticRoutes(): Hono {
  const routes = new Hono();
  const html = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' };
  routes.get('/', (context) => context.body(pageHtml('overview'), 200, html));
  routes.get('/node', (context) => context.body(pageHtml('node'), 200, html));
  routes.get('/cognition', (context) => context.body(pageHtml('cognition'), 200, html));
  routes.get('/favicon.ico', (context) => context.body(null, 204));
  routes.get('/assets/:file', (context) => {
    const name = context.req.param('file');
    if (name === 'dashboard.css')
      return context.body(dashboardCss, 200, { 'content-type': css, 'cache-control': 'no-cache' });
    if (bundleNames.has(name)) {
      const found = readPageBundle(name);
      if ('missing' in found) return context.text(found.missing, 500);
      return context.body(found.body, 200, { 'content-type': javascript, 'cache-control': 'no-cache' });
    }
    const vendor = uplotFiles[name];
    if (vendor !== undefined) {
      const body = cachedRead(createRequire(import.meta.url).resolve(vendor.path));
      return context.body(body, 200, { 'content-type': vendor.type, 'cache-control': 'max-age=3600' });
    }
    return context.text('not found', 404);
  });
  return routes;
}
