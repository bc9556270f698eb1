import { Hono } from 'hono';
import { AsiEvolveError } from '../errors.js';
import { createApiRoutes } from './api-routes.js';
import { createExperimentSources, type DashboardExperiment, type ExperimentSource } from './experiment-source.js';
import { hostNameOf, isLoopbackHost } from './host-check.js';
import { createLiveHub, liveEventsResponse } from './live.js';
import { createStaticRoutes } from './static-routes.js';

export interface DashboardAppOptions {
  experiments: readonly DashboardExperiment[];
  /** How often the live route polls the stores. @default 500 */
  pollIntervalMs?: number;
  /** Comment lines that keep an idle live connection open. @default 15000 */
  keepAliveMs?: number;
  /**
   * Accept requests whose Host header names a non-loopback host. Off by default, so that a web
   * page elsewhere cannot read the dashboard through a DNS name that points at 127.0.0.1.
   * @default false
   */
  allowRemoteHosts?: boolean;
}

/** The dashboard: a hono app (read-only, GET and HEAD only) plus `close()` for its stores and live feed. */
export type DashboardApp = Hono & {
  readonly experiments: readonly ExperimentSource[];
  close(): void;
};

const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The web dashboard over one or more experiment folders (docs/architecture.md, “The dashboard”): JSON API under
 * `/api`, the live feed at `/api/events` (server-sent events), and the pages with their assets.
 * Nothing is written: every store is opened read-only, and other methods than GET/HEAD get 405.
 * @example
 * const app = createDashboardApp({ experiments: [{ dir: 'runs/circle-packing' }] });
 * const response = await app.request('/api/experiments');
 * app.close();
 */
export function createDashboardApp(options: DashboardAppOptions): DashboardApp {
  if (options.experiments.length === 0)
    throw new AsiEvolveError('USAGE', 'the dashboard needs at least one experiment folder');
  const sources = createExperimentSources(options.experiments);
  const hub = createLiveHub(sources, options.pollIntervalMs ?? 500);
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const app = new Hono();

  app.use('*', async (context, next) => {
    const method = context.req.method;
    if (method !== 'GET' && method !== 'HEAD') {
      return context.json({ error: `the dashboard is read-only: ${method} is not allowed` }, 405, {
        allow: 'GET, HEAD',
      });
    }
    if (!options.allowRemoteHosts) {
      const host = context.req.header('host');
      if (host !== undefined && !isLoopbackHost(hostNameOf(host))) {
        return context.json(
          {
            error: `refused: Host ${JSON.stringify(host)} is not this machine (start the dashboard with --allow-remote to serve it)`,
          },
          403,
        );
      }
    }
    await next();
    context.header('x-content-type-options', 'nosniff');
    context.header('referrer-policy', 'no-referrer');
    context.header('x-frame-options', 'DENY');
    if (!context.res.headers.has('content-security-policy'))
      context.header('content-security-policy', contentSecurityPolicy);
    return undefined;
  });

  app.get('/api/events', () => liveEventsResponse(hub, keepAliveMs));
  app.route('/api', createApiRoutes(sources));
  app.route('/', createStaticRoutes());
  app.notFound((context) =>
    context.req.path.startsWith('/api/')
      ? context.json({ error: `no such route: ${context.req.path}` }, 404)
      : context.text('not found', 404),
  );
  app.onError((error, context) => {
    if (AsiEvolveError.isInstance(error) && error.code === 'NODE_NOT_FOUND')
      return context.json({ error: error.message }, 404);
    const busy = AsiEvolveError.isInstance(error) && error.code === 'STORE_BUSY';
    return context.json(
      { error: busy ? 'the database is busy; try again' : `internal error: ${error.message}` },
      busy ? 503 : 500,
    );
  });

  return Object.assign(app, {
    experiments: sources,
    close(): void {
      hub.close();
      for (const source of sources) source.close();
    },
  });
}
