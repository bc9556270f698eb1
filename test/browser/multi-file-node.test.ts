// A multi-file node's page in a real browser (Debian's chromium, driven by playwright-core): the
// diff to its parent is shown file by file. Needs `npm run build` (the dashboard serves dist/'s
// client bundles) and /usr/bin/chromium; without it the test is skipped, as the other browser tests.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFileSet } from '../../src/domain/index.js';
import { openStore } from '../../src/store/index.js';
import { chromiumPath, requires } from '../../src/test-support/requires.js';
import { node } from '../../src/web/test-support/experiment.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'bin', 'asi-evolve.js');
const needsChromium = requires('chromium');

let work: string;
let dashboard: ChildProcessWithoutNullStreams | undefined;
let output = '';
let url: string;
let context: BrowserContext | undefined;

beforeAll(async () => {
  if (!existsSync(join(root, 'dist', 'cli', 'main.js')))
    throw new Error('dist/ is missing: run `npm run build` before the browser tests');
  work = mkdtempSync(join(tmpdir(), 'asi-evolve-browser-files-'));
  const experiment = join(work, 'project-experiment');
  mkdirSync(experiment);
  writeFileSync(join(experiment, 'input.md'), 'Train a better model.\n');
  const store = openStore(join(experiment, 'asi-evolve.db'));
  const seed = new Map([
    ['model.py', 'WIDTH = 4\nDEPTH = 2\n'],
    ['train.py', 'EPOCHS = 3\n'],
  ]);
  store.insertNode(node(0, { program: formatFileSet(seed) }));
  store.insertNode(
    node(1, {
      program: formatFileSet(
        new Map([...seed, ['model.py', 'WIDTH = 8\nDEPTH = 2\n'], ['schedule.py', 'WARMUP = 10\n']]),
      ),
    }),
  );
  store.close();
  if (needsChromium.skip) return;

  const started = spawn(process.execPath, [cli, 'dashboard', experiment, '--port', '0'], { cwd: root });
  dashboard = started;
  url = await new Promise<string>((settle, reject) => {
    started.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const found = /Dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1];
      if (found) settle(found);
    });
    started.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.once('exit', (code) => reject(new Error(`the dashboard exited (${code}): ${output}`)));
  });
  context = await chromium.launchPersistentContext(join(work, 'chromium-profile'), {
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
});

afterAll(async () => {
  await context?.close();
  if (dashboard && dashboard.exitCode === null) {
    const exited = new Promise<number | null>((settle) => dashboard?.once('exit', (code) => settle(code)));
    dashboard.kill('SIGINT');
    expect(await exited).toBe(0);
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('a multi-file node in the dashboard', needsChromium, () => {
  it('shows the diff to its parent file by file: changed files only, a created file as new', async () => {
    const page = context?.pages()[0] ?? (await context!.newPage());
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${url}node?x=0&id=1`);
    await page.waitForSelector('body[data-ready="true"]');
    const files = page.locator('#file-diffs .file-diff');
    await expect(files.count()).resolves.toBe(2);
    expect(await files.nth(0).getAttribute('data-path')).toBe('model.py');
    expect(await files.nth(0).innerText()).toContain('model.py (changed)');
    expect((await files.nth(0).locator('.diff-add').innerText()).trim()).toBe('+WIDTH = 8');
    expect(await files.nth(1).getAttribute('data-kind')).toBe('added');
    expect(await files.nth(1).innerText()).toContain('new file mode 100644');
    expect(await page.locator('#diff').innerText()).not.toContain('train.py');
    expect(errors).toEqual([]);
  });
});
