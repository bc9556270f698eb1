// What the browser tests share: the real `dashboard` command on a free port, and Debian's chromium
// driven by playwright-core with a fresh profile.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chromiumPath } from '../../src/test-support/requires.js';

/** A running `asi-evolve dashboard` process. */
export interface DashboardProcess {
  url: string;
  process: ChildProcessWithoutNullStreams;
  /** Everything it printed so far. */
  output(): string;
  /** Stops it with SIGINT, as Ctrl-C would; resolves to its exit code. */
  stop(): Promise<number | null>;
}

/** Starts `node CLI dashboard FOLDERS --port 0` and waits for the address it prints. */
export async function startDashboard(cli: string, cwd: string, folders: readonly string[]): Promise<DashboardProcess> {
  const child = spawn(process.execPath, [cli, 'dashboard', ...folders, '--port', '0'], { cwd });
  let output = '';
  const url = await new Promise<string>((settle, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const found = /Dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1];
      if (found) settle(found);
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`the dashboard exited (${code}): ${output}`)));
  });
  return {
    url,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((settle) => child.once('exit', (code) => settle(code)));
      child.kill('SIGINT');
      return exited;
    },
  };
}

/** A headless chromium with its profile in `profileDir`; script errors of its page go to `pageErrors`. */
export async function openBrowser(
  profileDir: string,
  pageErrors: string[],
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
    viewport: { width: 1280, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { context, page };
}
