import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  childrenOf,
  descendantsOf,
  isGroupAlive,
  processStat,
  signalDescendants,
  waitForGroupExit,
} from './process-group.js';

/** A detached leader (its own group) with children and a grandchild; resolves with the pids below it. */
async function startTree(): Promise<{ leader: number; below: number[] }> {
  const child = spawn(
    'bash',
    ['-c', 'sleep 30 & echo $!; bash -c "sleep 30 & echo \\$!; wait" & echo $!; exec sleep 30'],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  while (text.trim().split('\n').length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
  child.stdout.destroy();
  return { leader: child.pid ?? 0, below: text.trim().split('\n').map(Number) };
}

describe('process groups, looked at through their own processes only', () => {
  it('lists the children and the descendants of a process', async () => {
    const { leader, below } = await startTree();
    try {
      expect(childrenOf(process.pid)).toContain(leader);
      expect(descendantsOf(leader)?.sort()).toEqual([...below].sort());
      expect(processStat(leader)).toMatchObject({ pid: leader, parentPid: process.pid, groupId: leader, live: true });
    } finally {
      process.kill(-leader, 'SIGKILL');
    }
    expect(await waitForGroupExit(leader, 2_000)).toBe(true);
    expect(isGroupAlive(leader, true)).toBe(false);
  });

  it('signals the processes below the leader and spares the leader', async () => {
    const { leader, below } = await startTree();
    try {
      signalDescendants(leader, 'SIGKILL');
      const deadline = Date.now() + 2_000;
      while (below.some((pid) => processStat(pid)?.live === true) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(below.filter((pid) => processStat(pid)?.live === true)).toEqual([]);
      expect(processStat(leader)?.live).toBe(true);
      expect(isGroupAlive(leader, true)).toBe(true);
    } finally {
      process.kill(-leader, 'SIGKILL');
    }
  });
});
