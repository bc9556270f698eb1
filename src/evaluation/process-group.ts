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

/**
 * Lists the live processes of a group by reading /proc (Linux); null where /proc is missing.
 * Zombies do not count: where PID 1 does not reap orphans (some containers) they stay
 * in the group forever although they can no longer do anything.
 */
export function liveGroupMembers(groupId: number): number[] | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const members: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = fields[0];
    if (Number(fields[2]) === groupId && state !== 'Z' && state !== 'X') members.push(Number(entry));
  }
  return members;
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
