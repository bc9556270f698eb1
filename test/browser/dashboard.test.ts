// The dashboard in a real browser (Debian's chromium, driven by playwright-core) over the demo
// experiment, while the real CLI runs more rounds into it. Needs `npm run build` (the CLI runs
// dist/) and /usr/bin/chromium (.ci/run installs it; without it the browser tests are skipped).
// Screenshots go to test-artifacts/.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRunOutput } from '../../src/config/index.js';
import { requires } from '../../src/test-support/requires.js';
import { openBrowser, startDashboard, type DashboardProcess } from './browser-session.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'bin', 'asi-evolve.js');
const artifacts = join(root, 'test-artifacts');
const needsChromium = requires('chromium');

let work: string;
let experiment: string;
let dashboard: DashboardProcess | undefined;
let url: string;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function screenshot(name: string): Promise<Buffer> {
  return page.screenshot({ path: join(artifacts, `dashboard-${name}.png`), fullPage: true });
}

beforeAll(async () => {
  if (!existsSync(join(root, 'dist', 'cli', 'main.js')))
    throw new Error('dist/ is missing: run `npm run build` before the browser tests');
  mkdirSync(artifacts, { recursive: true });
  work = mkdtempSync(join(tmpdir(), 'asi-evolve-browser-'));
  experiment = join(work, 'circle-packing');
  cpSync(join(root, 'examples', 'circle-packing'), experiment, {
    recursive: true,
    filter: (source) => !isRunOutput(basename(source)),
  });
  const first = runCli(['run', experiment, '--steps', '4']);
  expect(first.status, first.stderr).toBe(0);
  if (needsChromium.skip) return;

  dashboard = await startDashboard(cli, root, [experiment]);
  url = dashboard.url;
  ({ context, page } = await openBrowser(join(work, 'chromium-profile'), pageErrors));
});

afterAll(async () => {
  await context?.close();
  if (dashboard) {
    expect(await dashboard.stop()).toBe(0);
    expect(dashboard.output()).toContain('Dashboard stopped.');
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('dashboard in a browser', needsChromium, () => {
  it('loads the overview: experiment summary, score chart, node list and lineage', async () => {
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]');
    await expect(page.locator('#score-chart canvas').count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('#node-list tr[data-node-id]').count()).resolves.toBe(5);
    await expect(page.locator('#lineage-tree .tree-line').count()).resolves.toBe(5);
    expect(await page.locator('#experiment-table').innerText()).toContain('circle-packing');
    await page.waitForSelector('#live.on');
    await screenshot('overview');
  });

  it('opens a node and shows its motivation, highlighted program and diff to its parent', async () => {
    await page.click('#node-list tr[data-node-id="3"] a');
    await page.waitForURL(/\/node\?x=0&id=3$/);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.locator('#node-title').innerText()).toContain('Node #3');
    expect((await page.locator('#motivation-text').innerText()).length).toBeGreaterThan(10);
    expect(await page.locator('#program-code').innerText()).toContain('function construct()');
    await expect(page.locator('#program-code .tok-keyword').count()).resolves.toBeGreaterThan(5);
    expect(await page.locator('#diff-text').innerText()).toContain('@@');
    await expect(page.locator('#diff-text .diff-add').count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('#diff-text .diff-del').count()).resolves.toBeGreaterThan(0);
    expect(await page.locator('#results').innerText()).toContain('sum_radii');
    expect(await page.locator('#logs').innerText()).toContain('stdout.log');
    await screenshot('node');
  });

  it('adds the nodes of a run that goes on, without a reload', async () => {
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]');
    await page.waitForSelector('#live.on');
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    const more = spawn(process.execPath, [cli, 'run', experiment, '--steps', '7'], { cwd: root, stdio: 'ignore' });
    const finished = new Promise<number | null>((settle) => more.once('exit', (code) => settle(code)));
    try {
      await page.waitForSelector('#node-list tr[data-node-id="7"]');
      await page.waitForSelector('#lineage-tree .tree-line[data-node-id="7"]');
      expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
      await page.waitForSelector('#activity-list li:has-text("step 7")');
      await screenshot('live-update');
    } finally {
      expect(await finished).toBe(0);
    }
  });

  it('searches the cognition base', async () => {
    await page.goto(`${url}cognition?x=0`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.fill('#cognition-query', 'hexagonal rows');
    await page.waitForSelector('#cognition-results li[data-item-id="cp-hexagonal-equal-circles"]');
    await screenshot('cognition');
  });

  it('refuses paths outside the experiment folder, and raised no script error', async () => {
    const statuses = await page.evaluate(async () =>
      Promise.all(
        [
          '/api/experiments/0/files/..%2F..%2Fetc%2Fpasswd',
          '/api/experiments/0/files/%2Fetc%2Fpasswd',
          '/api/experiments/0/files/config.yaml',
        ].map(async (path) => (await fetch(path)).status),
      ),
    );
    expect(statuses).toEqual([403, 403, 403]);
    expect(pageErrors).toEqual([]);
  });
});

describe('dashboard command', () => {
  it('refuses a non-loopback address without --allow-remote (exit 2, clear message)', () => {
    const result = runCli(['dashboard', experiment, '--host', '0.0.0.0', '--port', '0']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('refusing to serve the dashboard on 0.0.0.0');
    expect(result.stderr).toContain('--allow-remote');
  });
});
