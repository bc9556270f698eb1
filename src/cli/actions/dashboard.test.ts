import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejectedAsiError } from '../../test-support/asi-error.js';
import { createTempExperiment, node, type TempExperiment } from '../../web/test-support/experiment.js';
import { dashboardCommand } from './dashboard.js';

let experiment: TempExperiment;
let notRun: string;

beforeEach(() => {
  experiment = createTempExperiment();
  experiment.store.insertNode(node(0));
  notRun = mkdtempSync(join(tmpdir(), 'asi-evolve-not-run-'));
});

afterEach(() => {
  experiment.cleanup();
  rmSync(notRun, { recursive: true, force: true });
});

describe('dashboardCommand', () => {
  it('prints the URL of a local dashboard over every folder, serves until stopped, then says so', async () => {
    let output = '';
    let announce: (url: string) => void = () => undefined;
    const announced = new Promise<string>((settle) => (announce = settle));
    const stop = new AbortController();
    const running = dashboardCommand(
      [experiment.dir, notRun],
      { port: 0, host: '127.0.0.1' },
      (text) => {
        output += text;
        const url = /Dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(text)?.[1];
        if (url) announce(url);
      },
      stop.signal,
    );
    const url = await announced;
    const body = (await (await fetch(`${url}api/experiments`)).json()) as { experiments: Array<{ hasRun: boolean }> };
    expect(body.experiments.map((entry) => entry.hasRun)).toEqual([true, false]);
    expect(output).toContain('(has a run)');
    expect(output).toContain('(no run yet: shown once one starts)');
    stop.abort();
    await running;
    expect(output).toMatch(/Dashboard stopped\.\n$/);
    await expect(fetch(`${url}api/experiments`)).rejects.toThrow();
  });

  it('refuses a non-loopback host without --allow-remote, before listening', async () => {
    const error = await rejectedAsiError(
      dashboardCommand([experiment.dir], { port: 0, host: '0.0.0.0' }, () => undefined),
    );
    expect(error.code).toBe('USAGE');
    expect(error.isUserError).toBe(true);
    expect(error.message).toContain('0.0.0.0');
    expect(error.hint).toContain('--allow-remote');
  });

  it('names a folder that does not exist', async () => {
    const missing = join(notRun, 'nope');
    const error = await rejectedAsiError(dashboardCommand([missing], { port: 0, host: '127.0.0.1' }, () => undefined));
    expect(error.code).toBe('EXPERIMENT_MISSING_FILE');
    expect(error.message).toContain(missing);
  });

  it('serves on a non-loopback host with --allow-remote, and warns', async () => {
    let output = '';
    const stop = new AbortController();
    const running = dashboardCommand(
      [experiment.dir],
      { port: 0, host: '0.0.0.0', allowRemote: true },
      (text) => {
        output += text;
        if (text.startsWith('Dashboard:')) stop.abort();
      },
      stop.signal,
    );
    await running;
    expect(output).toContain('Warning: serving on 0.0.0.0 without a login');
  });
});
