import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AsiEvolveError } from '../../errors.js';
import { isLoopbackHost, startDashboardServer } from '../../web/index.js';

export interface DashboardCommandOptions {
  port: number;
  host: string;
  allowRemote?: boolean;
}

/** Resolves when SIGINT or SIGTERM arrives, or when `signal` aborts (tests). */
function untilStopped(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((settle) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      signal?.removeEventListener('abort', stop);
      settle();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop);
  });
}

/**
 * `dashboard DIR... [--port P] [--host H] [--allow-remote]`: serves the read-only dashboard
 * over the experiments until Ctrl-C. A folder without a run yet is shown once a run starts.
 */
export async function dashboardCommand(
  dirs: readonly string[],
  options: DashboardCommandOptions,
  write: (text: string) => void,
  stopSignal?: AbortSignal,
): Promise<void> {
  if (!isLoopbackHost(options.host) && options.allowRemote !== true) {
    throw new AsiEvolveError(
      'USAGE',
      `refusing to serve the dashboard on ${options.host}: that address is reachable from other machines`,
      {
        hint: 'Use the default --host 127.0.0.1, or add --allow-remote to share the dashboard on purpose (it has no login).',
      },
    );
  }
  const folders = dirs.map((dir) => resolve(dir));
  for (const folder of folders) {
    if (!existsSync(folder) || !statSync(folder).isDirectory()) {
      throw new AsiEvolveError('EXPERIMENT_MISSING_FILE', `experiment folder not found: ${folder}`, { file: folder });
    }
  }
  const server = await startDashboardServer({
    experiments: folders.map((dir) => ({ dir })),
    host: options.host,
    port: options.port,
    allowRemote: options.allowRemote === true,
  });
  try {
    for (const source of server.app.experiments) {
      const state = existsSync(join(source.dir, 'asi-evolve.db')) ? 'has a run' : 'no run yet: shown once one starts';
      write(`  ${source.name}: ${source.dir} (${state})\n`);
    }
    if (!isLoopbackHost(options.host))
      write(`Warning: serving on ${options.host} without a login; anyone who can reach it can read the experiments.\n`);
    write(`Dashboard: ${server.url}  (read-only; Ctrl-C to stop)\n`);
    await untilStopped(stopSignal);
    write('Dashboard stopped.\n');
  } finally {
    await server.close();
  }
}
