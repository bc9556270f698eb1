import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AsiEvolveError } from '../errors.js';
import { hostNameOf, isLoopbackHost } from './host-check.js';
import { startDashboardServer, type DashboardServer } from './server.js';
import { createTempExperiment, node, type TempExperiment } from './test-support/experiment.js';

let experiment: TempExperiment;
const servers: DashboardServer[] = [];

beforeEach(() => {
  experiment = createTempExperiment();
  experiment.store.insertNode(node(0));
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  experiment.cleanup();
});

async function rejection(promise: Promise<unknown>): Promise<AsiEvolveError> {
  try {
    await promise;
  } catch (error) {
    if (AsiEvolveError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', 'app.localhost', '::1', '[::1]', '::ffff:127.0.0.1'])(
    '%s is loopback',
    (host) => {
      expect(isLoopbackHost(host)).toBe(true);
    },
  );
  it.each(['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com', 'localhost.example.com', '128.0.0.1', ''])(
    '%s is not',
    (host) => {
      expect(isLoopbackHost(host)).toBe(false);
    },
  );
  it('takes the host name out of a Host header', () => {
    expect(hostNameOf('127.0.0.1:8765')).toBe('127.0.0.1');
    expect(hostNameOf('[::1]:8765')).toBe('::1');
    expect(hostNameOf('localhost')).toBe('localhost');
  });
});

describe('startDashboardServer', () => {
  it('listens on 127.0.0.1 by default and serves the API over real HTTP', async () => {
    const server = await startDashboardServer({ experiments: [{ dir: experiment.dir }], port: 0 });
    servers.push(server);
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    const response = await fetch(`${server.url}api/experiments`);
    expect(((await response.json()) as { experiments: unknown[] }).experiments).toHaveLength(1);
    expect((await fetch(server.url)).headers.get('content-type')).toContain('text/html');
  });

  it('refuses a non-loopback address without allowRemote', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10']) {
      const error = await rejection(startDashboardServer({ experiments: [{ dir: experiment.dir }], host, port: 0 }));
      expect(error.code).toBe('USAGE');
      expect(error.message).toContain(`refusing to bind the dashboard to ${host}`);
      expect(error.hint).toContain('--allow-remote');
    }
  });

  it('binds a non-loopback address when allowed', async () => {
    const server = await startDashboardServer({
      experiments: [{ dir: experiment.dir }],
      host: '0.0.0.0',
      port: 0,
      allowRemote: true,
    });
    servers.push(server);
    const response = await fetch(`http://127.0.0.1:${server.port}/api/experiments`, {
      headers: { host: 'lab-machine:1234' },
    });
    expect(response.status).toBe(200);
  });

  it('says so when the port is taken, and refuses a port out of range', async () => {
    const first = await startDashboardServer({ experiments: [{ dir: experiment.dir }], port: 0 });
    servers.push(first);
    const error = await rejection(startDashboardServer({ experiments: [{ dir: experiment.dir }], port: first.port }));
    expect(error.message).toContain('the port is in use');
    expect((await rejection(startDashboardServer({ experiments: [{ dir: experiment.dir }], port: 70_000 }))).code).toBe(
      'USAGE',
    );
  });

  it('closes with a live connection open', async () => {
    const server = await startDashboardServer({ experiments: [{ dir: experiment.dir }], port: 0 });
    const response = await fetch(`${server.url}api/events`);
    const reader = response.body!.getReader();
    await reader.read();
    await server.close();
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) return 'ended';
      })(),
    ).resolves.toBe('ended');
    await expect(fetch(`${server.url}api/experiments`)).rejects.toThrow();
  });
});
