import { readdirSync, statSync } from 'node:fs';
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { Store } from '../store/index.js';
import { ConfigError } from '../config/index.js';
import { createCognitionSearch } from './cognition-search.js';
import type { ExperimentSource } from './experiment-source.js';
import { createObjectiveSettingsCache, frontAnswer } from './front-view.js';
import { buildNodeDetail } from './node-detail.js';
import { summariseExperiment, toNodeSummary } from './node-summary.js';
import { renderScoreCurveSvg } from './report/score-curve.js';
import { resolveInside } from './safe-path.js';
import { buildSamplerOverview } from './sampler-view.js';
import { createSpendTimelineCache } from './spend-timeline.js';
import { readTail } from './step-files.js';

/** Top-level entries of an experiment folder that the file route serves; config and database are not among them. */
const servedEntries = new Set([
  'steps',
  'best',
  'input.md',
  'initial_program',
  'report.md',
  'score-curve.svg',
  'front.svg',
]);

const maxFileBytes = 4 * 1024 * 1024;

function problem(context: Context, status: 400 | 403 | 404 | 413, message: string): Response {
  return context.json({ error: message }, status);
}

/**
 * The read-only JSON API over the experiments: list, nodes, node detail, spend, sampler state,
 * the front under the configured objectives, cognition search, the score curve as SVG, and files
 * of the experiment folder (path-checked).
 */
export function createApiRoutes(sources: readonly ExperimentSource[]): Hono {
  const api = new Hono();
  const searches = sources.map(() => createCognitionSearch());
  const spendTimelines = sources.map(() => createSpendTimelineCache());
  const objectiveSettings = sources.map((source) => createObjectiveSettingsCache(source.dir));

  const sourceOf = (context: Context): ExperimentSource | undefined => {
    const raw = context.req.param('x') ?? '';
    return /^\d+$/.test(raw) ? sources[Number(raw)] : undefined;
  };
  const noSuchExperiment = (context: Context): Response =>
    problem(context, 404, `no experiment ${JSON.stringify(context.req.param('x'))} (there are ${sources.length})`);

  /** A handler that needs the experiment's store; 404 while no run has written one. */
  const withStore =
    (handler: (context: Context, source: ExperimentSource, store: Store) => Response | Promise<Response>) =>
    (context: Context): Response | Promise<Response> => {
      const source = sourceOf(context);
      if (source === undefined) return noSuchExperiment(context);
      const store = source.store();
      if (store === undefined) return problem(context, 404, `no run has been stored in ${source.dir} yet`);
      return handler(context, source, store);
    };

  api.get('/experiments', (context) =>
    context.json({ experiments: sources.map((source) => summariseExperiment(source, source.store())) }),
  );

  api.get(
    '/experiments/:x/nodes',
    withStore((context, source, store) =>
      context.json({ experiment: summariseExperiment(source, store), nodes: store.nodeSummaries().map(toNodeSummary) }),
    ),
  );

  api.get(
    '/experiments/:x/nodes/:id',
    withStore((context, source, store) => {
      const raw = context.req.param('id') ?? '';
      if (!/^\d+$/.test(raw))
        return problem(context, 400, `expected a node id (an integer >= 0), got ${JSON.stringify(raw)}`);
      const detail = buildNodeDetail(store, source.dir, Number(raw));
      if (detail === undefined) return problem(context, 404, `node ${raw} does not exist in ${source.name}`);
      return context.json(detail);
    }),
  );

  api.get(
    '/experiments/:x/spend',
    withStore((context, source, store) => context.json(spendTimelines[source.index]!(store))),
  );

  api.get(
    '/experiments/:x/sampler',
    withStore((context, _source, store) => context.json(buildSamplerOverview(store))),
  );

  api.get(
    '/experiments/:x/front',
    withStore((context, source, store) => {
      try {
        return context.json(frontAnswer(store, objectiveSettings[source.index]!()));
      } catch (error) {
        if (error instanceof ConfigError) return problem(context, 400, error.message);
        throw error;
      }
    }),
  );

  api.get(
    '/experiments/:x/cognition',
    withStore(async (context, source, store) => {
      const limit = Math.min(500, Math.max(1, Math.floor(Number(context.req.query('limit') ?? 50)) || 50));
      return context.json(await searches[source.index]!(store, context.req.query('q') ?? '', limit));
    }),
  );

  api.get(
    '/experiments/:x/score-curve.svg',
    withStore((context, source, store) =>
      context.body(renderScoreCurveSvg(store.nodeSummaries(), { title: source.name }), 200, {
        'content-type': 'image/svg+xml; charset=utf-8',
      }),
    ),
  );

  api.get('/experiments/:x/files/*', (context) => {
    const source = sourceOf(context);
    if (source === undefined) return noSuchExperiment(context);
    const prefix = `/api/experiments/${context.req.param('x')}/files/`;
    const rawPath = new URL(context.req.url).pathname;
    let relativePath: string;
    try {
      relativePath = decodeURIComponent(rawPath.slice(rawPath.indexOf(prefix) + prefix.length));
    } catch {
      return problem(context, 400, 'the path is not valid percent-encoding');
    }
    const target = resolveInside(source.dir, relativePath);
    if (!target.ok) return problem(context, target.status, target.reason);
    const area = target.relative.split(/[\\/]/)[0] ?? '';
    if (!servedEntries.has(area)) {
      return problem(context, 403, `only ${[...servedEntries].join(', ')} of the experiment folder are served`);
    }
    if (target.isDirectory) {
      const entries = readdirSync(target.path, { withFileTypes: true })
        .map((entry) => ({
          name: entry.name,
          type: entry.isDirectory() ? 'directory' : entry.isFile() ? 'file' : 'other',
        }))
        .sort((left, right) => left.name.localeCompare(right.name));
      return context.json({ path: target.relative, entries });
    }
    if (statSync(target.path).size > maxFileBytes)
      return problem(context, 413, `the file is larger than ${maxFileBytes} bytes`);
    const file = readTail(target.path, maxFileBytes);
    if (file === undefined) return problem(context, 404, 'the file cannot be read');
    // Candidates write these files: shown as text only, never run as a page.
    return context.body(file.text, 200, {
      'content-type': 'text/plain; charset=utf-8',
      'content-security-policy': "sandbox; default-src 'none'",
    });
  });

  return api;
}
