import { spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DropUser } from './bubblewrap.js';
import { isolationPrefix, type IsolationMode, type IsolationTools } from './isolation.js';
import { stepFolderName } from '../domain/index.js';

const probeTimeoutMs = 10_000;

/**
 * Runs a tiny evaluation under `mode` (with `dropUser` under bubblewrap as root) and says
 * whether it worked: it must read a file of its experiment folder and write one in its step
 * folder. Containers that restrict namespaces make bwrap or unshare fail here, at once.
 */
export function probeIsolation(mode: IsolationMode, tools: IsolationTools, dropUser: DropUser | null): boolean {
  const root = mkdtempSync(join(tmpdir(), 'asi-sandbox-probe-'));
  try {
    const experimentDir = join(root, 'experiment');
    const stepDir = join(experimentDir, 'steps', stepFolderName(0));
    mkdirSync(stepDir, { recursive: true });
    writeFileSync(join(experimentDir, 'input.md'), 'probe\n');
    if (dropUser !== null) chownSync(stepDir, dropUser.uid, dropUser.gid);
    const asRoot = process.getuid?.() === 0;
    const prefix = isolationPrefix(
      mode,
      { stepDir, experimentDir, network: false, readPaths: [], pathVariable: '/usr/bin:/bin', asRoot, dropUser },
      tools,
    );
    const script = `cat ${JSON.stringify(join(experimentDir, 'input.md'))} > ${JSON.stringify(join(stepDir, 'out'))}`;
    const [file, ...args] = [...prefix, tools.bashPath, '-c', script];
    if (file === undefined) return false;
    const result = spawnSync(file, args, {
      cwd: stepDir,
      env: { PATH: '/usr/bin:/bin' },
      stdio: 'ignore',
      timeout: probeTimeoutMs,
      killSignal: 'SIGKILL',
    });
    return result.status === 0 && readFileSync(join(stepDir, 'out'), 'utf8') === 'probe\n';
  } catch {
    return false;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
