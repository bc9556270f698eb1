import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { AsiEvolveError } from '../errors.js';
import { createDashboardApp, type DashboardApp } from './app.js';
import type { DashboardExperiment } from './experiment-source.js';
import { isLoopbackHost } from './host-check.js';

export interface DashboardServerOptions {
  experiments: readonly DashboardExperiment[];
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 8765 */
  port?: number;
  /** Required to bind a non-loopback address (the dashboard then also accepts any Host header). @default false */
  allowRemote?: boolean;
  /** @default 500 */
  pollIntervalMs?: number;
}

/** A running dashboard. */
export interface DashboardServer {
  url: string;
  host: string;
  port: number;
  app: DashboardApp;
  /** Ends the live connections, stops listening and closes the stores. */
  close(): Promise<void>;
}

export const defaultDashboardPort = 8765;

/**
 * Serves the dashboard over HTTP. Binds 127.0.0.1 unless told otherwise; a non-loopback
 * address without `allowRemote` is refused (USAGE), as is a port already in use.
 * @example
 * const server = await startDashboardServer({ experiments: [{ dir: 'runs/a' }], port: 0 });
 * console.log(server.url);
 * await server.close();
 */
export async function startDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? defaultDashboardPort;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new AsiEvolveError('USAGE', `Expected the port to be an integer from 0 to 65535, got ${port}`);
  }
  const allowRemote = options.allowRemote ?? false;
  if (!isLoopbackHost(host) && !allowRemote) {
    throw new AsiEvolveError(
      'USAGE',
      `refusing to bind the dashboard to ${host}: it is not a loopback address, so other machines could read the experiments`,
      {
        hint: 'Bind 127.0.0.1 (the default), or pass --allow-remote if you really mean to share it on your network.',
      },
    );
  }
  const app = createDashboardApp({
    experiments: options.experiments,
    allowRemoteHosts: allowRemote,
    ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
  });
  const server = createAdaptorServer({ fetch: app.fetch, hostname: host }) as Server;
  try {
    await new Promise<void>((settle, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        settle();
      });
    });
  } catch (error) {
    app.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new AsiEvolveError(
        'USAGE',
        `cannot listen on ${host}:${port}: ${code === 'EADDRINUSE' ? 'the port is in use' : code === 'EACCES' ? 'permission denied' : 'no such address on this machine'}`,
        {
          cause: error,
          hint: 'Choose another --port (0 picks a free one) or --host.',
        },
      );
    }
    throw error;
  }
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${address.port}/`,
    host: address.address,
    port: address.port,
    app,
    close() {
      closing ??= new Promise<void>((settle) => {
        // Ending the live streams lets their responses finish; a connection that lingers is cut.
        app.close();
        const force = setTimeout(() => server.closeAllConnections(), 1000);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          settle();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
