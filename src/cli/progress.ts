import type { LoopEvent } from '../loop/events.js';
import { formatDuration, formatScore, formatUsd } from './format.js';

/**
 * Turns loop events into terminal lines: one line per round (a log file or CI reads well),
 * with round, its score, best so far, success rate, spend, elapsed time and ETA.
 */
export function createProgressPrinter(write: (text: string) => void): (event: LoopEvent) => void {
  let startedWith = 0;
  return (event) => {
    switch (event.type) {
      case 'run-start':
        startedWith = event.completed;
        write(
          event.resumed
            ? `Resuming: ${event.completed}/${event.target} rounds already stored; ${Math.max(0, event.target - event.completed)} to go, ${event.workers} at a time.\n`
            : `Starting: ${event.target} rounds, ${event.workers} at a time.\n`,
        );
        return;
      case 'notice':
        write(`${event.message}\n`);
        return;
      case 'seed-evaluated':
        write(`[seed] ${event.node.success ? `score ${formatScore(event.node.score)}` : `failed: ${event.node.error ?? ''}`}\n`);
        return;
      case 'round-start':
        return;
      case 'round-end': {
        const ranNow = event.completed - startedWith;
        const perRound = ranNow > 0 ? event.elapsedMs / ranNow : 0;
        const eta = perRound * Math.max(0, event.target - event.completed);
        const result = event.node.success ? `score ${formatScore(event.node.score)}` : `failed (${(event.node.error ?? '').slice(0, 60)})`;
        const best = event.best ? `${formatScore(event.best.score)} (node ${event.best.id})` : 'n/a';
        const rate = `${event.succeeded}/${event.completed} ok`;
        write(
          `[round ${event.step} | ${event.completed}/${event.target}] ${result}${event.isNewBest ? ' *new best*' : ''} | best ${best} | ${rate} | ${formatUsd(event.spendUsd)} | ${formatDuration(event.elapsedMs)} elapsed, ETA ${formatDuration(eta)}\n`,
        );
        return;
      }
      case 'run-end': {
        const best = event.best ? `best ${formatScore(event.best.score)} (node ${event.best.id})` : 'no successful node yet';
        const why =
          event.reason === 'done'
            ? 'done'
            : event.reason === 'interrupted'
              ? 'interrupted; run the same command again to resume'
              : `stopped: ${event.message ?? event.reason}; run again (with a higher limit) to resume`;
        write(`Run ${why}: ${event.completed}/${event.target} rounds, ${best}.\n`);
        return;
      }
    }
  };
}
