import { spawnSync } from 'node:child_process';
import { childrenOf, processStat, type ProcessStat } from '../evaluation/index.js';

/** A live child of this process, with the process group it belongs to. */
export interface ChildProcessInfo {
  pid: number;
  groupId: number;
}

/** The children the kernel lists for `parentPid` (Linux), read without scanning every process. */
function fromProc(parentPid: number): ChildProcessInfo[] | null {
  const children = childrenOf(parentPid);
  if (children === null) return null;
  return children
    .map(processStat)
    .filter((stat): stat is ProcessStat => stat !== null && stat.live)
    .map(({ pid, groupId }) => ({ pid, groupId }));
}

function fromPs(parentPid: number): ChildProcessInfo[] {
  const listed = spawnSync('ps', ['-A', '-o', 'pid=,ppid=,pgid='], { encoding: 'utf8' });
  if (listed.status !== 0) return [];
  return listed.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter(([pid, ppid, pgid]) => ppid === parentPid && Number.isInteger(pid) && Number.isInteger(pgid))
    .map(([pid, , pgid]) => ({ pid: pid!, groupId: pgid! }));
}

/** The live children of `parentPid` (this process by default): /proc on Linux, `ps` elsewhere. */
export function listChildProcesses(parentPid: number = process.pid): ChildProcessInfo[] {
  return fromProc(parentPid) ?? fromPs(parentPid);
}

/**
 * SIGKILLs the given children; a child leading its own group (an evaluation, started detached)
 * is killed with its whole group, which a terminal's Ctrl-C never reaches. Never throws.
 */
export function killChildProcesses(children: readonly ChildProcessInfo[] = listChildProcesses()): void {
  for (const child of children) {
    try {
      process.kill(child.groupId === child.pid ? -child.pid : child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
