import type { LoopEvent } from '../loop/index.js';
import { nodeBrief, type NodeBrief } from './node-brief.js';

/**
 * What `run --json` writes: one JSON object a line, each with `event` and `time` (ISO 8601).
 * Other programs follow a run with it; fields are only ever added.
 */
export type RunJsonEvent = RunJsonEventBody & { time: string };

type RunJsonEventBody =
  | {
      event: 'run-started';
      target: number;
      completed: number;
      beyondTarget: number;
      workers: number;
      resumed: boolean;
      designer: string;
    }
  | { event: 'notice'; message: string }
  | { event: 'round-started'; step: number }
  | { event: 'evaluating' | 'llm-call'; step: number; label: string }
  | { event: 'evaluated' | 'llm-call-done'; step: number; label: string; durationMs: number; failed: boolean }
  | {
      event: 'stored';
      step: number;
      node: NodeBrief;
      /** Absent for the seed (node 0). */
      best?: NodeBrief | null;
      isNewBest?: boolean;
      completed?: number;
      target?: number;
      succeeded?: number;
      spendUsd?: number;
      elapsedMs?: number;
    }
  | { event: 'done'; reason: string; completed: number; target: number; best: NodeBrief | null; message?: string };

function bodyOf(event: LoopEvent): RunJsonEventBody {
  switch (event.type) {
    case 'run-start':
      return {
        event: 'run-started',
        target: event.target,
        completed: event.completed,
        beyondTarget: event.beyondTarget,
        workers: event.workers,
        resumed: event.resumed,
        designer: event.designer,
      };
    case 'notice':
      return { event: 'notice', message: event.message };
    case 'seed-evaluated':
      return { event: 'stored', step: 0, node: nodeBrief(event.node) };
    case 'round-start':
      return { event: 'round-started', step: event.step };
    case 'activity-start': {
      const { step, label, kind } = event.activity;
      return { event: kind === 'evaluation' ? 'evaluating' : 'llm-call', step, label };
    }
    case 'activity-end': {
      const { step, label, kind } = event.activity;
      return {
        event: kind === 'evaluation' ? 'evaluated' : 'llm-call-done',
        step,
        label,
        durationMs: event.durationMs,
        failed: event.failed,
      };
    }
    case 'round-end':
      return {
        event: 'stored',
        step: event.step,
        node: nodeBrief(event.node),
        best: event.best ? nodeBrief(event.best) : null,
        isNewBest: event.isNewBest,
        completed: event.completed,
        target: event.target,
        succeeded: event.succeeded,
        spendUsd: event.spendUsd,
        elapsedMs: event.elapsedMs,
      };
    case 'run-end':
      return {
        event: 'done',
        reason: event.reason,
        completed: event.completed,
        target: event.target,
        best: event.best ? nodeBrief(event.best) : null,
        ...(event.message === undefined ? {} : { message: event.message }),
      };
  }
}

/** Writes each loop event as one line of JSON (`run --json`). */
export function createJsonEventWriter(write: (text: string) => void): (event: LoopEvent) => void {
  return (event) => write(`${JSON.stringify({ ...bodyOf(event), time: new Date().toISOString() })}\n`);
}

/** A notice outside the loop (the config files read, the parts' notices), as a `run --json` line. */
export function jsonNotice(message: string): string {
  return `${JSON.stringify({ event: 'notice', message, time: new Date().toISOString() })}\n`;
}
