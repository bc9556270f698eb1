import { AsyncLocalStorage } from 'node:async_hooks';
import type { LanguageModel } from '../llm/index.js';

/** What a round waits on: its candidate's evaluation, or an LLM call (a role's, with its retries). */
export type ActivityKind = 'evaluation' | 'llm-call';

export interface Activity {
  /** Unique within the process. */
  id: number;
  /** The round (0: the seed). */
  step: number;
  kind: ActivityKind;
  /** What people read: `evaluation`, `re-evaluation`, `researcher call (gpt-5)`… */
  label: string;
  /** Date.now() when it started. */
  startedAt: number;
}

/** Reported while rounds run, so that a long evaluation or LLM call can be shown as it goes (the heartbeat). */
export type ActivityEvent =
  | { type: 'activity-start'; activity: Activity }
  | { type: 'activity-end'; activity: Activity; durationMs: number; failed: boolean };

interface StepScope {
  step: number;
  report: (event: ActivityEvent) => void;
}

// Rounds run concurrently and share their models and engineer, so the round an activity belongs
// to comes from async context, like the LLM calls a round collects (call-context.ts).
const stepScope = new AsyncLocalStorage<StepScope>();
let nextId = 1;

/** Runs the work of round `step` so that the activities it starts are reported to `report` under that step. */
export function withinStep<T>(
  step: number,
  report: (event: ActivityEvent) => void,
  work: () => Promise<T>,
): Promise<T> {
  return stepScope.run({ step, report }, work);
}

/** Runs `work` as an activity of the current round (outside a round it just runs). */
export async function trackActivity<T>(kind: ActivityKind, label: string, work: () => Promise<T>): Promise<T> {
  const scope = stepScope.getStore();
  if (scope === undefined) return work();
  const activity: Activity = { id: nextId++, step: scope.step, kind, label, startedAt: Date.now() };
  scope.report({ type: 'activity-start', activity });
  let failed = true;
  try {
    const value = await work();
    failed = false;
    return value;
  } finally {
    scope.report({ type: 'activity-end', activity, durationMs: Date.now() - activity.startedAt, failed });
  }
}

/** The model with each call (retries included) reported as an activity of the round that makes it. */
export function withActivity(model: LanguageModel, role: string): LanguageModel {
  const label = `${role} call (${model.modelId})`;
  return {
    provider: model.provider,
    modelId: model.modelId,
    contextWindow: model.contextWindow,
    generate: (options) => trackActivity('llm-call', label, () => model.generate(options)),
  };
}
