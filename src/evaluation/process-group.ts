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
  parentPid: number;
  groupId: number;
}

/**
 * Every live process of this machine, read from /proc (Linux); null where /proc is missing.
 * Zombies do not count: where PID 1 does not reap orphans (some containers) they stay
 * in their group forever although they can no longer do anything.
 */
export function liveProcesses(): ProcessStat[] | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const processes: ProcessStat[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses.
    const [state, parentPid, groupId] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state === 'Z' || state === 'X') continue;
    processes.push({ pid: Number(entry), parentPid: Number(parentPid), groupId: Number(groupId) });
  }
  return processes;
}

/** The live processes of a group (see {@link liveProcesses}); null where /proc is missing. */
export function liveGroupMembers(groupId: number): number[] | null {
  return liveProcesses()?.filter((entry) => entry.groupId === groupId).map((entry) => entry.pid) ?? null;
}

/**
 * Sends a signal to every live process of the group but its leader; where /proc is missing,
 * to the whole group.
 */
export function signalGroupExceptLeader(groupId: number, signal: NodeJS.Signals): void {
  const members = liveGroupMembers(groupId);
  if (members === null) {
    signalGroup(groupId, signal);
    return;
  }
  for (const pid of members) {
    if (pid === groupId) continue;
    try {
      process.kill(pid, signal);
    } catch {
      // exited meanwhile
    }
  }
}

/** True while any process of the group can still run. */
export function isGroupAlive(groupId: number): boolean {
  try {
    process.kill(-groupId, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const members = liveGroupMembers(groupId);
  return members === null ? true : members.length > 0;
}

/** Waits until no process of the group can run, or the time is up; says which. */
export async function waitForGroupExit(groupId: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!isGroupAlive(groupId)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
