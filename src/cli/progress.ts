import type { Activity, LoopEvent } from '../loop/index.js';
import { formatUsd } from '../domain/index.js';
import { formatDuration, formatScore } from './format.js';

export interface ProgressOptions {
  /**
   * Rewrite one status line in place (a terminal) instead of printing a line per round (a log
   * file, CI). @default process.stdout.isTTY
   */
  tty?: boolean;
  /** Terminal width; the status line is cut to fit. @default process.stdout.columns or 100 */
  columns?: () => number;
  /**
   * The heartbeat: an evaluation or LLM call that has run this long is shown as it goes, on a
   * terminal in the status line (redrawn each second), in a log as a `[still running]` line
   * every `logHeartbeatMs`. @default 3000
   */
  heartbeatAfterMs?: number;
  /** @default 30000 */
  logHeartbeatMs?: number;
}

type RoundEnd = Extract<LoopEvent, { type: 'round-end' }>;

// Carriage return, then erase the line: the next text replaces the status line.
const clearLine = '\r\u001b[2K';

/** The line printed per round without a terminal (kept stable: logs and scripts read it). */
function roundLine(event: RoundEnd, startedWith: number, towardTarget: number): string {
  const ranNow = event.completed - startedWith;
  const perRound = ranNow > 0 ? event.elapsedMs / ranNow : 0;
  const eta = perRound * Math.max(0, event.target - towardTarget);
  const result = event.node.success
    ? `score ${formatScore(event.node.score)}`
    : `failed (${(event.node.error ?? '').slice(0, 100)})`;
  const best = event.best ? `${formatScore(event.best.score)} (node ${event.best.id})` : 'n/a';
  return (
    `[round ${event.step} | ${towardTarget}/${event.target}] ${result}${event.isNewBest ? ' *new best*' : ''} | best ${best} | ` +
    `${event.succeeded}/${event.completed} ok | ${formatUsd(event.spendUsd)} | ${formatDuration(event.elapsedMs)} elapsed, ETA ${formatDuration(eta)}`
  );
}

function runStartLine(
  event: Extract<LoopEvent, { type: 'run-start' }>,
  towardTarget: number,
  beyondTarget: number,
): string {
  if (towardTarget >= event.target) {
    return `${event.completed + beyondTarget} rounds stored, target ${event.target}: nothing to run (raise --steps to run more).`;
  }
  const beyond = beyondTarget > 0 ? ` (and ${beyondTarget} beyond the target)` : '';
  return event.resumed
    ? `Resuming: ${towardTarget}/${event.target} rounds already stored${beyond}; ${event.target - towardTarget} to go, ${event.workers} at a time.`
    : `Starting: ${event.target} rounds, ${event.workers} at a time.`;
}

function runEndLine(event: Extract<LoopEvent, { type: 'run-end' }>, towardTarget: number): string {
  const best = event.best ? `best ${formatScore(event.best.score)} (node ${event.best.id})` : 'no successful node yet';
  const why =
    event.reason === 'done'
      ? 'done'
      : event.reason === 'interrupted'
        ? 'interrupted; run the same command again to resume'
        : `stopped: ${event.message ?? event.reason}; run again (with a higher limit) to resume`;
  return `Run ${why}: ${towardTarget}/${event.target} rounds, ${best}.`;
}

function seedLine(event: Extract<LoopEvent, { type: 'seed-evaluated' }>): string {
  return `[seed] ${event.node.success ? `score ${formatScore(event.node.score)}` : `failed: ${event.node.error ?? ''}`}`;
}

/** The status line, short enough for an 80-column terminal: the essentials come first, as the end may be cut. */
function compactStatus(event: RoundEnd, startedWith: number, towardTarget: number): string {
  const ranNow = event.completed - startedWith;
  const eta = (ranNow > 0 ? event.elapsedMs / ranNow : 0) * Math.max(0, event.target - towardTarget);
  const result = event.node.success
    ? formatScore(event.node.score)
    : `failed: ${(event.node.error ?? '').split(':')[0] || 'unknown'}`;
  const best = event.best ? `${formatScore(event.best.score)} (#${event.best.id})` : 'n/a';
  const percent = event.completed > 0 ? Math.round((100 * event.succeeded) / event.completed) : 0;
  return `[${towardTarget}/${event.target}] #${event.step} ${result} · best ${best} · ${percent}% ok · ${formatUsd(event.spendUsd)} · ${formatDuration(event.elapsedMs)}, ETA ${formatDuration(eta)}`;
}

/**
 * Turns loop events into terminal output: round, its score, best so far, success rate, spend,
 * elapsed time and ETA. Without a terminal, one line per round (a log file or CI reads well);
 * on a terminal, one status line rewritten in place, with a lasting line for each new best.
 */
export function createProgressPrinter(
  write: (text: string) => void,
  options: ProgressOptions = {},
): (event: LoopEvent) => void {
  const tty = options.tty ?? process.stdout.isTTY === true;
  const columns = options.columns ?? (() => process.stdout.columns || 100);
  const heartbeatAfterMs = options.heartbeatAfterMs ?? 3000;
  const logHeartbeatMs = options.logHeartbeatMs ?? 30_000;
  let startedWith = 0;
  // The loop counts only rounds up to the target; the cap guards the display all the same.
  const toward = (event: { completed: number; target: number }): number => Math.min(event.target, event.completed);
  let status = '';
  const running = new Set<number>();
  const activities = new Map<number, Activity>();
  let heartbeat: ReturnType<typeof setInterval> | null = null;

  /** The activities that have run long enough to show, the latest of each round (what it waits on now). */
  const longRunning = (now: number, atLeastMs: number): Activity[] => {
    const latest = new Map<number, Activity>();
    for (const activity of activities.values()) {
      const shown = latest.get(activity.step);
      if (shown === undefined || activity.startedAt >= shown.startedAt) latest.set(activity.step, activity);
    }
    return [...latest.values()]
      .filter((activity) => now - activity.startedAt >= atLeastMs)
      .sort((left, right) => left.step - right.step);
  };
  const describe = (activity: Activity, now: number): string =>
    `${activity.step === 0 ? 'seed' : `#${activity.step}`} ${activity.label} ${formatDuration(now - activity.startedAt)}`;

  // Terminal mode: lasting lines go above the status line, which is then drawn again.
  let onScreen = false;
  const drawStatus = (): void => {
    const now = Date.now();
    const slow = new Map(longRunning(now, heartbeatAfterMs).map((activity) => [activity.step, activity]));
    // Before the first round ends there is no status yet; the seed's evaluation still shows.
    const base = status || (slow.size > 0 || running.size > 0 ? '[starting]' : '');
    if (!base) return;
    const steps = [...new Set([...running, ...slow.keys()])].sort((left, right) => left - right);
    const shown = steps.map((step) => {
      const activity = slow.get(step);
      return activity ? describe(activity, now) : `#${step}`;
    });
    const suffix = shown.length > 0 ? ` · running ${shown.join(', ')}` : '';
    const width = Math.max(20, columns() - 1);
    const line = `${base}${suffix}`;
    write(`${clearLine}${line.length > width ? `${line.slice(0, width - 1)}…` : line}`);
    onScreen = true;
  };
  const lasting = (text: string): void => {
    if (!tty) {
      write(`${text}\n`);
      return;
    }
    write(`${clearLine}${text}\n`);
    onScreen = false;
    drawStatus();
  };
  const beat = (): void => {
    if (tty) {
      drawStatus();
      return;
    }
    const now = Date.now();
    const slow = longRunning(now, heartbeatAfterMs);
    if (slow.length > 0) write(`[still running] ${slow.map((activity) => describe(activity, now)).join('; ')}\n`);
  };
  const startHeartbeat = (): void => {
    if (heartbeat !== null) return;
    heartbeat = setInterval(beat, tty ? 1000 : logHeartbeatMs);
    // The heartbeat never keeps the process alive on its own.
    heartbeat.unref?.();
  };
  const stopHeartbeat = (): void => {
    if (heartbeat === null) return;
    clearInterval(heartbeat);
    heartbeat = null;
  };

  return (event) => {
    switch (event.type) {
      case 'run-start':
        startedWith = event.completed;
        lasting(runStartLine(event, toward(event), event.beyondTarget));
        return;
      case 'notice':
        lasting(event.message);
        return;
      case 'seed-evaluated':
        lasting(seedLine(event));
        return;
      case 'activity-start':
        activities.set(event.activity.id, event.activity);
        startHeartbeat();
        return;
      case 'activity-end':
        activities.delete(event.activity.id);
        if (activities.size === 0) stopHeartbeat();
        return;
      case 'round-start':
        if (!tty) return;
        running.add(event.step);
        drawStatus();
        return;
      case 'round-end': {
        if (!tty) {
          write(`${roundLine(event, startedWith, toward(event))}\n`);
          return;
        }
        running.delete(event.step);
        status = compactStatus(event, startedWith, toward(event));
        if (event.isNewBest)
          lasting(
            `[round ${event.step}] new best ${formatScore(event.node.score)} (node ${event.node.id}, "${event.node.name}")`,
          );
        else drawStatus();
        return;
      }
      case 'run-end':
        stopHeartbeat();
        activities.clear();
        if (tty && onScreen) {
          running.clear();
          if (status) {
            drawStatus();
            write('\n');
          } else write(clearLine);
          status = '';
          onScreen = false;
        }
        write(`${runEndLine(event, toward(event))}\n`);
        return;
    }
  };
}
