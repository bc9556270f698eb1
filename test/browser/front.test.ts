// The dashboard's Front panel in a real browser (Debian's chromium, driven by playwright-core):
// an experiment with three objectives beside one with a single score. Needs `npm run build` (the
// dashboard serves dist/'s page bundles) and /usr/bin/chromium (without it the tests are skipped).
// Screenshots go to test-artifacts/.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requires } from '../../src/test-support/requires.js';
import {
  createTempExperiment,
  node,
  writeExperimentFile,
  type TempExperiment,
} from '../../src/web/test-support/experiment.js';
import { openBrowser, startDashboard, type DashboardProcess } from './browser-session.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'bin', 'asi-evolve.js');
const artifacts = join(root, 'test-artifacts');
const needsChromium = requires('chromium');

let withObjectives: TempExperiment;
let singleScore: TempExperiment;
let dashboard: DashboardProcess | undefined;
let url: string;
let context: BrowserContext | undefined;
let page: Page;
const pageErrors: string[] = [];

// Minimise bins, seconds and megabytes. On bins × seconds, nodes 1, 3 and 5 trade off; memory
// puts node 4 on the front as well (it is the leanest), so it shows on the bins × megabytes plot.
const measured: Array<[bins: number, seconds: number, megabytes: number]> = [
  [9, 3, 50],
  [6, 2, 40],
  [8, 2.5, 45],
  [4, 1.5, 60],
  [7, 2.8, 10],
  [3, 4, 70],
  [5, 3.5, 80],
];

beforeAll(async () => {
  if (needsChromium.skip) return;
  if (!existsSync(join(root, 'dist', 'web', 'client', 'overview.js')))
    throw new Error('dist/ is missing: run `npm run build` before the browser tests');
  mkdirSync(artifacts, { recursive: true });
  withObjectives = createTempExperiment('asi-evolve-front-');
  measured.forEach(([bins, seconds, megabytes], step) =>
    withObjectives.store.insertNode(
      node(step, { results: { eval_score: -bins, success: true, bins, seconds, megabytes } }),
    ),
  );
  withObjectives.store.insertNode(node(7, { success: false, score: null, evalScore: null, error: 'crash: exit 1' }));
  writeExperimentFile(
    withObjectives.dir,
    'config.yaml',
    `objectives:
  metrics:
    - { name: bins, direction: minimize }
    - { name: seconds, direction: minimize }
    - { name: megabytes, direction: minimize }
`,
  );
  singleScore = createTempExperiment('asi-evolve-one-score-');
  for (let step = 0; step < 3; step++) singleScore.store.insertNode(node(step));

  dashboard = await startDashboard(cli, root, [withObjectives.dir, singleScore.dir]);
  url = dashboard.url;
  ({ context, page } = await openBrowser(join(withObjectives.dir, 'chromium-profile'), pageErrors));
});

afterAll(async () => {
  await context?.close();
  if (dashboard) expect(await dashboard.stop()).toBe(0);
  withObjectives?.cleanup();
  singleScore?.cleanup();
});

const frontIds = (selector: string): Promise<number[]> =>
  page.$$eval(selector, (elements) => elements.map((element) => Number(element.getAttribute('data-node-id'))));

describe('the Front panel in a browser', needsChromium, () => {
  it('plots every placed node by the first two objectives, the front highlighted and joined, and lists it', async () => {
    await page.goto(`${url}?x=0`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.waitForSelector('#front svg.front-plot');
    expect(await page.locator('#front-x').inputValue()).toBe('bins');
    expect(await page.locator('#front-y').inputValue()).toBe('seconds');
    expect(await page.$$eval('#front-x option', (options) => options.map((option) => option.textContent))).toEqual([
      'bins',
      'seconds',
      'megabytes',
    ]);
    expect((await frontIds('#front-chart circle')).sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect((await frontIds('#front-chart circle.front')).sort()).toEqual([1, 3, 4, 5]);
    await expect(page.locator('#front-chart polyline.front-line').count()).resolves.toBe(1);
    expect(await page.locator('#front-counts').innerText()).toBe('4 on the front, 3 dominated');
    expect(await frontIds('#front-list tr[data-node-id]')).toEqual([5, 3, 1, 4]);
    await expect(page.locator('#front-growth canvas').count()).resolves.toBeGreaterThan(0);
    await page.screenshot({ path: join(artifacts, 'dashboard-front.png'), fullPage: true });
  });

  it('redraws for another pair of objectives, names a dot under the pointer and opens it on a click', async () => {
    await page.selectOption('#front-y', 'megabytes');
    await page.waitForSelector('#front-chart svg text:has-text("megabytes (lower is better)")');
    await page.hover('#front-chart circle[data-node-id="4"]');
    expect(await page.locator('#front-hover').innerText()).toBe('node 4 (round 4) design-4: bins 7, megabytes 10');
    await page.click('#front-chart circle[data-node-id="4"]');
    await page.waitForURL(/\/node\?x=0&id=4$/);
    await page.waitForSelector('body[data-ready="true"]');
  });

  it('shows no Front panel for an experiment without objectives, and raised no script error', async () => {
    await page.goto(`${url}?x=1`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.waitForSelector('#node-list tr[data-node-id="2"]');
    await expect(page.locator('#front').count()).resolves.toBe(0);
    await page.selectOption('#experiment-select', '0');
    await page.waitForSelector('#front svg.front-plot');
    expect(pageErrors).toEqual([]);
  });
});
