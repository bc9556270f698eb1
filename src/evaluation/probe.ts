import { spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DropUser } from './bubblewrap.js';
import { isolationPrefix, type IsolationMode, type IsolationTools } from './isolation.js';
import { stepFolderName } from '../domain/index.js';

const probeTimeoutMs = 10_000;

/** One probe's folders and command line. */
interface ProbeSetup {
  root: string;
  stepDir: string;
  command: string[];
}

function setUpProbe(mode: IsolationMode, tools: IsolationTools, dropUser: DropUser | null): ProbeSetup {
  const root = mkdtempSync(join(tmpdir(), 'asi-sandbox-probe-'));
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
  return { root, stepDir, command: [...prefix, tools.bashPath, '-c', script] };
}

/** It worked when it exited with 0 and its step folder holds what it read. */
function probePassed(setup: ProbeSetup, exitCode: number | null): boolean {
  try {
    return exitCode === 0 && readFileSync(join(setup.stepDir, 'out'), 'utf8') === 'probe\n';
  } catch {
    return false;
  }
}

/** How a probe's command runs, blocking or not: killed at the time limit, nothing inherited. */
function probeSpawnOptions(setup: ProbeSetup) {
  return {
    cwd: setup.stepDir,
    env: { PATH: '/usr/bin:/bin' },
    stdio: 'ignore',
    timeout: probeTimeoutMs,
    killSignal: 'SIGKILL',
  } as const;
}

/**
 * Runs a tiny evaluation under `mode` (with `dropUser` under bubblewrap as root) and says
 * whether it worked: it must read a file of its experiment folder and write one in its step
 * folder. Containers that restrict namespaces make bwrap or unshare fail here, at once.
 */
export function probeIsolation(mode: IsolationMode, tools: IsolationTools, dropUser: DropUser | null): boolean {
  let setup: ProbeSetup | undefined;
  try {
    setup = setUpProbe(mode, tools, dropUser);
    const [file, ...args] = setup.command;
    if (file === undefined) return false;
    const result = spawnSync(file, args, probeSpawnOptions(setup));
    return probePassed(setup, result.status);
  } catch {
    return false;
  } finally {
    if (setup !== undefined) rmSync(setup.root, { recursive: true, force: true });
  }
}

/**
 * {@link probeIsolation} without blocking: the sandbox starts in its own processes while this
 * one goes on with its start-up (a probe takes tens of milliseconds, most of it the sandbox's).
 */
export async function probeIsolationInBackground(
  mode: IsolationMode,
  tools: IsolationTools,
  dropUser: DropUser | null,
): Promise<boolean> {
  let setup: ProbeSetup | undefined;
  try {
    setup = setUpProbe(mode, tools, dropUser);
    const [file, ...args] = setup.command;
    if (file === undefined) return false;
    const child = spawn(file, args, probeSpawnOptions(setup));
    const exitCode = await new Promise<number | null>((resolve) => {
      child.once('error', () => resolve(null));
      child.once('exit', (code) => resolve(code));
    });
    return probePassed(setup, exitCode);
  } catch {
    return false;
  } finally {
    if (setup !== undefined) rmSync(setup.root, { recursive: true, force: true });
  }
}
