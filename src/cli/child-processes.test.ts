import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { killChildProcesses, listChildProcesses } from './child-processes.js';

/** A zombie counts as dead: where PID 1 does not reap orphans (some containers), it stays forever. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && process.platform === 'linux') return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

describe('listChildProcesses and killChildProcesses', () => {
  it('find a detached child leading its own group and kill the whole group, grandchildren included', async () => {
    // The child ignores SIGTERM (as an evaluator in its grace period may) and starts a grandchild that does too.
    const child = spawn('bash', ['-c', `trap '' TERM; sleep 30 & echo $!; wait`], {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    started.push(child.pid!);
    const grandchild = await new Promise<number>((resolve) =>
      child.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
    );
    const listed = listChildProcesses().filter((entry) => entry.pid === child.pid);
    expect(listed).toEqual([{ pid: child.pid, groupId: child.pid }]);
    expect(isAlive(grandchild)).toBe(true);

    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    killChildProcesses(listed);
    expect(await exited).toBe('SIGKILL');
    // The grandchild is not our child: it went with the group.
    await waitUntil(() => !isAlive(grandchild));
  });

  it('kills a child that shares our group by itself, never signalling our group', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const listed = listChildProcesses().filter((entry) => entry.pid === child.pid);
    expect(listed).toHaveLength(1);
    expect(listed[0]!.groupId).not.toBe(child.pid);
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    killChildProcesses(listed);
    expect(await exited).toBe('SIGKILL');
    expect(isAlive(process.pid)).toBe(true);
  });
});
