import { readdirSync, readFileSync } from 'node:fs';

/**
 * Sends a signal to every process of a group. Never throws: it runs in timers, and a group that
 * is gone (ESRCH) or holds only processes we may not signal (EPERM) leaves nothing to do.
 */
export function signalGroup(groupId: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-groupId, signal);
  } catch {
    // nothing left that we can signal
  }
}

/** One process as /proc/<pid>/stat describes it. */
export interface ProcessStat {
  pid: number;
  /** The name of the program it runs (its `comm`, at most 15 characters). */
  name: string;
  parentPid: number;
  groupId: number;
  /** False for a zombie: it can no longer do anything, but stays until its parent reaps it. */
  live: boolean;
}

/** /proc/<pid>/stat of one process, or null when it is gone or /proc is missing. */
export function processStat(pid: number): ProcessStat | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses.
  const nameEnd = stat.lastIndexOf(')');
  const [state, parentPid, groupId] = stat.slice(nameEnd + 2).split(' ');
  return {
    pid,
    name: stat.slice(stat.indexOf('(') + 1, nameEnd),
    parentPid: Number(parentPid),
    groupId: Number(groupId),
    live: state !== 'Z' && state !== 'X',
  };
}

/**
 * The children of one process, from /proc/<pid>/task/<tid>/children of each of its threads
 * (Linux); [] when it is gone, null where the kernel does not list children.
 */
export function childrenOf(pid: number): number[] | null {
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const thread of threads) {
    let listed: string;
    try {
      listed = readFileSync(`/proc/${pid}/task/${thread}/children`, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && thread === String(pid)) return null;
      continue; // the thread ended meanwhile
    }
    for (const child of listed.split(' ')) if (child.trim() !== '') children.push(Number(child));
  }
  return children;
}

/** Every process below `pid` (not `pid` itself), breadth first; null where children are not listed. */
export function descendantsOf(pid: number): number[] | null {
  const found: number[] = [];
  const pending = [pid];
  for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
    const children = childrenOf(next);
    if (children === null) return null;
    found.push(...children);
    pending.push(...children);
  }
  return found;
}

/**
 * Sends a signal to the processes below a group's leader, not to the leader itself. Only the
 * evaluation's own processes are looked at: under a namespace sandbox every process of the
 * evaluation descends from the leader (orphans go to the namespace's first process). Where the
 * kernel does not list children, the whole group gets the signal.
 */
export function signalDescendants(leaderPid: number, signal: NodeJS.Signals): void {
  const descendants = descendantsOf(leaderPid);
  if (descendants === null) {
    signalGroup(leaderPid, signal);
    return;
  }
  for (const pid of descendants) {
    try {
      process.kill(pid, signal);
    } catch {
      // exited meanwhile
    }
  }
}

/**
 * How many pids after the leader's its first child is looked for at: other processes of the
 * machine may take some of those in between.
 */
const firstChildWindow = 8;

/**
 * What the leader's first child says of the group, in a few /proc reads where looking through
 * every orphan PID 1 adopted takes dozens: 'live' when it is a live member (the group is alive),
 * 'ended' when it is bubblewrap's init left a zombie (the group is gone), null when it tells
 * nothing (not found, or a zombie of another program).
 *
 * The first child is the group's first member after the leader's pid: every other member
 * descends from it or comes later, and pids only grow (but where they wrap around: then it is
 * not found). bwrap (the leader) starts one process, the namespace's first (bwrap as its init),
 * and exits on the exit status that one reports, without reaping it: it is left a zombie of the
 * group, adopted by PID 1, until PID 1 reaps it (seconds where PID 1 reaps late). The kernel
 * makes it a zombie only after every process of its namespace is gone, and no other process of
 * the group lives outside the namespace: nothing of the group can run.
 */
function bubblewrapInitState(groupId: number): 'live' | 'ended' | null {
  for (let pid = groupId + 1; pid <= groupId + firstChildWindow; pid++) {
    const first = processStat(pid);
    if (first === null || first.groupId !== groupId) continue;
    if (first.live) return 'live';
    return first.name === 'bwrap' ? 'ended' : null;
  }
  return null;
}

/**
 * True while the group may still hold a live process. The kernel says whether any member is
 * left, zombies included; where PID 1 does not reap orphans (some containers) zombies would stay
 * forever. A bubblewrap sandbox's group whose namespace has ended is gone
 * ({@link bubblewrapInitState}). Otherwise, when asked to look, it checks the processes where
 * a live member can be: below the leader, and the orphans PID 1 adopted. Nothing else of the
 * machine is read.
 */
export function isGroupAlive(groupId: number, lookForZombies: boolean): boolean {
  try {
    process.kill(-groupId, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const init = bubblewrapInitState(groupId);
  if (init !== null) return init === 'live';
  if (!lookForZombies) return true;
  const below = descendantsOf(groupId);
  const adopted = childrenOf(1);
  if (below === null || adopted === null) return true;
  return [groupId, ...below, ...adopted].some((pid) => {
    const stat = processStat(pid);
    return stat !== null && stat.live && stat.groupId === groupId;
  });
}

/**
 * Pauses between two looks at a group that is still reported: short at first, because what is
 * left once the leader has exited usually ends within milliseconds (a namespace's first process
 * finishing its exit, an orphaned watchdog killed with the group) and a round waits for it.
 */
const pollDelaysMs = [1, 2, 4, 8, 16];
const longestPollMs = 20;

/**
 * Waits until no process of the group can run, or the time is up; says which. The first look
 * asks the kernel only; later ones also look for members that are all zombies, which a PID 1
 * that reaps orphans late or never (some containers) would otherwise keep "alive" until the time
 * is up.
 */
export async function waitForGroupExit(groupId: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let poll = 0; ; poll++) {
    if (!isGroupAlive(groupId, poll > 0)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, pollDelaysMs[poll] ?? longestPollMs));
  }
}
