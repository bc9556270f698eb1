import type { NodeRecord } from '../store/types.js';

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
  | { type: 'run-end'; reason: 'done' | 'interrupted' | 'budget' | 'error'; completed: number; target: number; best: NodeRecord | null; message?: string };
