import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requires } from '../test-support/requires.js';
import { bubblewrapArguments } from './bubblewrap.js';
import { sandboxCapabilities } from './capabilities.js';
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

describe('a bubblewrap group', requires('bubblewrap'), () => {
  /** Runs `sleep` in a bubblewrap sandbox as a group leader; resolves with its pid and its init's, once it exited. */
  async function sandboxedSleep(folder: string): Promise<{ groupId: number; init: number | undefined }> {
    const capabilities = sandboxCapabilities();
    const [file = 'bwrap', ...args] = bubblewrapArguments({
      bwrapPath: capabilities.bwrapPath ?? 'bwrap',
      stepDir: folder,
      experimentDir: folder,
      network: false,
      readPaths: [],
      pathVariable: process.env.PATH,
      asRoot: capabilities.asRoot,
      dropUser: null,
      setprivPath: null,
    });
    const leader = spawn(file, [...args, 'sleep', '0.3'], { detached: true, stdio: 'ignore' });
    const exited = once(leader, 'exit') as Promise<[number | null]>;
    const groupId = leader.pid ?? 0;
    let init: number | undefined;
    const deadline = Date.now() + 2_000;
    while (init === undefined && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      init = childrenOf(groupId)?.[0];
    }
    const [code] = await exited;
    expect(code).toBe(0);
    return { groupId, init };
  }

  it("is gone once its namespace has ended, though PID 1 has not reaped bwrap's init yet", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'asi-group-bwrap-'));
    try {
      // bwrap's init takes one of the next pids after bwrap's; on a busy machine others may take them all.
      for (let attempt = 0; attempt < 5; attempt++) {
        const { groupId, init } = await sandboxedSleep(folder);
        if (init === undefined || init - groupId > 8) continue;
        // bwrap exits on the status its init reports, without reaping it: PID 1 adopts it.
        const deadline = Date.now() + 2_000;
        while (processStat(init)?.live === true && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 5));
        const left = processStat(init);
        if (left !== null && left.groupId === groupId) expect(left).toMatchObject({ name: 'bwrap', live: false });
        expect(isGroupAlive(groupId, false)).toBe(false);
        return;
      }
      expect.fail("bwrap's init never took one of the 8 pids after bwrap's in 5 sandboxes");
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
