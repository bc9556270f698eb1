import { EventEmitter } from 'node:events';
import { type SpawnedChild, spawnViaSpawner } from './spawner.js';
import { signalDescendants, signalGroup, waitForGroupExit } from './process-group.js';

/** How a process group ended. */
export interface ProcessGroupExit {
  /** Exit code of the main process; null when it died by a signal or never exited. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Why we ended it, when we did. */
  termination: 'timeout' | 'abort' | null;
  /** From the start to the main process's exit. */
  durationMs: number;
  /** False when some process of the group outlived every kill (stuck in the kernel). */
  groupGone: boolean;
}

/** Where and how the group's first process starts. */
export interface ProcessGroupStart {
  cwd: string;
  env: Record<string, string>;
}

/** How a started group is watched: its time limit, abort and output. */
export interface ProcessGroupWatch {
  timeoutMs: number;
  killGraceMs: number;
  abortSignal?: AbortSignal;
  /**
   * Spare the group leader from SIGTERM. A namespace launcher (bwrap, unshare) dies at once on
   * SIGTERM and takes its namespace down with SIGKILL, which would cut the grace period; sparing
   * it lets the evaluator's processes handle SIGTERM, and the leader exits after them.
   */
  spareLeaderOnTerm?: boolean;
  onStdout: (chunk: Buffer) => void;
  onStderr: (chunk: Buffer) => void;
}

export interface ProcessGroupOptions extends ProcessGroupStart, ProcessGroupWatch {
  /**
   * Gives the command a pipe as stdin that this process never writes nor closes until the group
   * is gone: it reaches end of file when this process dies, which a watchdog in the group reads.
   */
  holdStdin?: boolean;
}

/** How long to wait for the group to vanish after SIGKILL, and for the pipes to drain. */
const afterKillMs = 5_000;
const pipeDrainMs = 250;
const longestTimerMs = 2_147_483_647;

function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** setTimeout for any duration (Node fires at once above 2^31-1 ms); Infinity never fires. */
function startTimer(milliseconds: number, callback: () => void): { cancel(): void } {
  let handle: NodeJS.Timeout | undefined;
  const arm = (remaining: number): void => {
    if (!Number.isFinite(remaining)) return;
    handle = setTimeout(
      () => (remaining > longestTimerMs ? arm(remaining - longestTimerMs) : callback()),
      Math.min(remaining, longestTimerMs),
    );
  };
  arm(Math.max(0, milliseconds));
  return { cancel: () => clearTimeout(handle) };
}

/**
 * Runs `command` as the leader of a new process group and returns once no process of the
 * group is left. At the time limit or on abort: SIGTERM to the group, SIGKILL after the
 * grace period. When the main process exits, whatever it left behind in the group is killed.
 * It does not wait for the pipes to close (a process that left the group may hold them).
 * The process is started by the spawner process ({@link spawnViaSpawner}): the event loop does not
 * wait for it to start. Throws only when the process cannot be started.
 */
export function runProcessGroup(command: readonly string[], options: ProcessGroupOptions): Promise<ProcessGroupExit> {
  const [file, ...args] = command;
  if (file === undefined) return Promise.reject(new Error('Expected a command, got an empty list'));
  const started = performance.now();
  const child = spawnViaSpawner(file, args, {
    cwd: options.cwd,
    env: options.env,
    holdStdin: options.holdStdin === true,
  });
  return watchGroup(child, started, options);
}

/**
 * A process group started ahead of its use, whose command waits for a line on stdin (a pipe
 * only this process holds) before it runs anything: see {@link startGatedProcessGroup}.
 */
export interface GatedProcessGroup {
  /**
   * True once it ended, or failed to start, before its release: its command ran nothing, and
   * what it printed is that of its launcher (e.g. bubblewrap refusing an option).
   */
  readonly endedEarly: boolean;
  /**
   * Resolves once the release line is written (released, and ready): its command runs from then.
   * Never, when it is discarded or ends first.
   */
  readonly released: Promise<void>;
  /**
   * Lets the command run (one line on its stdin, then end of file) and watches it as
   * {@link runProcessGroup} does, the time limit counted from now. At most once; not after discard().
   * Resolves null when the group ended without saying it was ready: the released line was never
   * written, and what ran (a launcher that failed, a command that did not wait) is not the
   * caller's, who starts it again cold.
   */
  release(watch: ProcessGroupWatch): Promise<ProcessGroupExit | null>;
  /**
   * Ends it without running the command (end of file on its stdin, then SIGKILL to the group);
   * resolves once the group is gone. Idempotent; a no-op once released.
   */
  discard(): Promise<void>;
}

/** Events the watch listens to, queued until the release so that none is missed. */
const relayedEvents = ['spawned', 'error', 'stdout', 'stderr', 'closed', 'exit'] as const;
/** How long a discarded group has to end by itself (end of file on stdin) before SIGKILL. */
const discardGraceMs = 1_000;

/**
 * Starts `command` now, its stdin a pipe this process holds; the command is expected to write
 * one byte on its fd 3 once it is ready, then read one line from stdin before it does anything,
 * and to exit at end of file (a discarded group, or this process killed). A release before it
 * is ready writes the line when it is. Its output before the release is kept for the watch. A group not yet released
 * does not keep this process alive.
 */
export function startGatedProcessGroup(command: readonly string[], start: ProcessGroupStart): GatedProcessGroup {
  const [file, ...args] = command;
  if (file === undefined) throw new Error('Expected a command, got an empty list');
  const child = spawnViaSpawner(file, args, {
    cwd: start.cwd,
    env: start.env,
    holdStdin: true,
    keepsProcessAlive: false,
    readyPipe: true,
  });
  let state: 'waiting' | 'released' | 'discarded' = 'waiting';
  // The release line goes out only once the command said it is ready (one byte on its fd 3):
  // by then the launcher has set up the sandbox and armed its parent-death signals, so this
  // process killed after the line was written takes the sandbox with it, and killed before,
  // leaves end of file to a command that runs nothing.
  let ready = false;
  let markReleased: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    markReleased = resolve;
  });
  const sendReleaseLine = (): void => {
    child.endStdin('\n');
    markReleased();
  };
  child.once('ready', () => {
    ready = true;
    if (state === 'released') sendReleaseLine();
  });
  let endedEarly = false;
  let exited = false;
  const queued: Array<{ name: string; args: unknown[] }> = [];
  const relay = new EventEmitter() as RelayedChild;
  relay.stopPipes = () => child.stopPipes();
  Object.defineProperty(relay, 'pid', { get: () => child.pid });
  for (const name of relayedEvents) {
    child.on(name, (...eventArgs: unknown[]) => {
      if (name === 'exit' || (name === 'error' && child.pid === undefined)) {
        exited = true;
        if (state === 'waiting') endedEarly = true;
      }
      if (state === 'waiting') queued.push({ name, args: eventArgs });
      else if (state === 'released') relay.emit(name, ...eventArgs);
    });
  }
  let discarded: Promise<void> | undefined;
  return {
    get endedEarly() {
      return endedEarly;
    },
    released,
    release(watch) {
      if (state !== 'waiting')
        return Promise.reject(new Error(`A gated process group cannot be released once ${state}`));
      state = 'released';
      const started = performance.now();
      child.holdProcess();
      const watched = watchGroup(relay, started, watch);
      for (const event of queued.splice(0)) relay.emit(event.name, ...event.args);
      if (ready) sendReleaseLine();
      return watched.then((exit) => (ready ? exit : null));
    },
    discard() {
      if (state === 'released') return Promise.resolve();
      if (discarded !== undefined) return discarded;
      state = 'discarded';
      queued.length = 0;
      discarded = new Promise<void>((resolve) => {
        const finish = async (): Promise<void> => {
          if (child.pid !== undefined) {
            signalGroup(child.pid, 'SIGKILL');
            await waitForGroupExit(child.pid, afterKillMs);
          }
          child.stopPipes();
          resolve();
        };
        if (exited) {
          void finish();
          return;
        }
        const timer = setTimeout(() => void finish(), discardGraceMs);
        timer.unref();
        const ended = (): void => {
          clearTimeout(timer);
          void finish();
        };
        child.once('exit', ended);
        child.once('error', () => {
          if (child.pid === undefined) ended();
        });
        child.endStdin();
      });
      return discarded;
    },
  };
}

/** What {@link watchGroup} needs of a child: its events, its pid once spawned, and its pipes. */
type RelayedChild = EventEmitter & Pick<SpawnedChild, 'pid' | 'stopPipes'>;

function watchGroup(child: RelayedChild, started: number, options: ProcessGroupWatch): Promise<ProcessGroupExit> {
  child.on('stdout', options.onStdout);
  child.on('stderr', options.onStderr);
  const pipesClosed = new Promise<void>((resolve) => {
    const open = new Set(['stdout', 'stderr']);
    child.on('closed', (stream: string) => {
      open.delete(stream);
      if (open.size === 0) resolve();
    });
  });
  return new Promise((resolve, reject) => {
    let termination: ProcessGroupExit['termination'] = null;
    let requested: 'timeout' | 'abort' | null = null;
    let exited = false;
    let killDeadline = 0;
    let killTimer: { cancel(): void } | undefined;
    let giveUpTimer: { cancel(): void } | undefined;

    const stopWatching = (): void => {
      timeoutTimer.cancel();
      options.abortSignal?.removeEventListener('abort', onAbort);
    };
    const terminate = (reason: 'timeout' | 'abort'): void => {
      if (termination !== null || exited) return;
      if (child.pid === undefined) {
        requested ??= reason; // not started yet: applied once it is
        return;
      }
      const groupId = child.pid;
      termination = reason;
      if (options.spareLeaderOnTerm === true) signalDescendants(groupId, 'SIGTERM');
      else signalGroup(groupId, 'SIGTERM');
      killDeadline = Date.now() + options.killGraceMs;
      killTimer = startTimer(options.killGraceMs, () => {
        signalGroup(groupId, 'SIGKILL');
        // A main process that survives SIGKILL is stuck in the kernel: stop waiting for it.
        giveUpTimer = startTimer(afterKillMs, () => {
          exited = true;
          child.stopPipes();
          resolve({
            exitCode: null,
            signal: null,
            termination,
            durationMs: performance.now() - started,
            groupGone: false,
          });
        });
      });
    };
    const onAbort = (): void => terminate('abort');
    const timeoutTimer = startTimer(options.timeoutMs, () => terminate('timeout'));
    options.abortSignal?.addEventListener('abort', onAbort, { once: true });

    child.once('spawned', () => {
      if (requested !== null) terminate(requested);
    });

    child.once('error', (error: Error) => {
      if (child.pid !== undefined) return;
      stopWatching();
      child.stopPipes();
      reject(error);
    });

    child.once('exit', (exitCode: number | null, signal: NodeJS.Signals | null) => {
      if (exited || child.pid === undefined) return;
      exited = true;
      const groupId = child.pid;
      const durationMs = performance.now() - started;
      stopWatching();
      giveUpTimer?.cancel();
      void (async () => {
        if (termination !== null) {
          // Let the rest of the group finish its SIGTERM handling within the grace period.
          await waitForGroupExit(groupId, Math.max(0, killDeadline - Date.now()));
        }
        killTimer?.cancel();
        signalGroup(groupId, 'SIGKILL');
        const groupGone = await waitForGroupExit(groupId, afterKillMs);
        await Promise.race([pipesClosed, delay(pipeDrainMs)]);
        child.stopPipes();
        resolve({ exitCode, signal, termination, durationMs, groupGone });
      })().catch(reject);
    });
  });
}
