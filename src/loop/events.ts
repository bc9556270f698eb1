import type { NodeRecord } from '../domain/index.js';
import type { ActivityEvent } from './activity.js';

/** What the loop reports while it runs; the CLI turns these into progress lines. */
export type LoopEvent =
  | {
      type: 'run-start';
      /** Rounds stored with a step up to the target. */
      completed: number;
      /** Rounds stored with a step above the target (an earlier run asked for more). */
      beyondTarget: number;
      target: number;
      workers: number;
      designer: string;
      resumed: boolean;
    }
  | { type: 'notice'; message: string }
  | { type: 'seed-evaluated'; node: NodeRecord }
  | { type: 'round-start'; step: number }
  | {
      type: 'round-end';
      step: number;
      node: NodeRecord;
      best: NodeRecord | null;
      isNewBest: boolean;
      completed: number;
      target: number;
      succeeded: number;
      elapsedMs: number;
      spendUsd: number;
    }
  /** An evaluation or LLM call of a round started or ended. */
  | ActivityEvent
  | {
      type: 'run-end';
      reason: 'done' | 'interrupted' | 'budget';
      completed: number;
      target: number;
      best: NodeRecord | null;
      message?: string;
    };

/**
 * Notices that parts raise while a run goes on (an executor whose job waits for a worker), passed
 * to whoever listens: the run shows them and records them as events. Made before the run starts,
 * so parts built first can be handed `notify`.
 */
export interface NoticeRelay {
  notify(message: string): void;
  /** Replaces the listener; notices raised before any listener are kept for the first. */
  listen(listener: (message: string) => void): void;
}

export function createNoticeRelay(): NoticeRelay {
  let listener: ((message: string) => void) | null = null;
  const early: string[] = [];
  return {
    notify(message) {
      if (listener === null) early.push(message);
      else listener(message);
    },
    listen(next) {
      listener = next;
      for (const message of early.splice(0)) next(message);
    },
  };
}
