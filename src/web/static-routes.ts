import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Hono } from 'hono';
import { cognitionScript } from './assets/cognition-script.js';
import { commonScript } from './assets/common-script.js';
import { nodeScript } from './assets/node-script.js';
import { overviewScript } from './assets/overview-script.js';
import { pageHtml } from './assets/pages.js';
import { panelsScript } from './assets/panels-script.js';
import { dashboardCss } from './assets/styles.js';

const javascript = 'text/javascript; charset=utf-8';
const css = 'text/css; charset=utf-8';

/** Our own assets, by file name under /assets/. */
const ownAssets: Record<string, { body: string; type: string }> = {
  'common.js': { body: commonScript, type: javascript },
  'overview.js': { body: overviewScript, type: javascript },
  'panels.js': { body: panelsScript, type: javascript },
  'node.js': { body: nodeScript, type: javascript },
  'cognition.js': { body: cognitionScript, type: javascript },
  'dashboard.css': { body: dashboardCss, type: css },
};

/** uPlot's files, read once from the installed package (never from a CDN). */
const uplotFiles: Record<string, { path: string; type: string }> = {
  'uplot.js': { path: 'uplot/dist/uPlot.iife.min.js', type: javascript },
  'uplot.css': { path: 'uplot/dist/uPlot.min.css', type: css },
};

const vendorCache = new Map<string, string>();

function vendorFile(path: string): string {
  let body = vendorCache.get(path);
  if (body === undefined) {
    body = readFileSync(createRequire(import.meta.url).resolve(path), 'utf8');
    vendorCache.set(path, body);
  }
  return body;
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
    const own = ownAssets[name];
    if (own !== undefined) return context.body(own.body, 200, { 'content-type': own.type, 'cache-control': 'no-cache' });
    const vendor = uplotFiles[name];
    if (vendor !== undefined) return context.body(vendorFile(vendor.path), 200, { 'content-type': vendor.type, 'cache-control': 'max-age=3600' });
    return context.text('not found', 404);
  });
  return routes;
}
