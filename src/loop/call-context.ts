import { AsyncLocalStorage } from 'node:async_hooks';
import type { LlmCallRecord } from '../domain/index.js';

/** An LLM call as the recorder reports it, before the loop knows its node. */
export type LlmCallDraft = Omit<LlmCallRecord, 'nodeId' | 'step'>;

/**
 * Rounds run concurrently and share one set of models, so each round collects its own
 * LLM calls through async context instead of passing a collector through every agent.
 */
const roundCalls = new AsyncLocalStorage<LlmCallDraft[]>();

const callsOfFailedWork = new WeakMap<object, LlmCallDraft[]>();

/**
 * Runs `work` with a fresh call collector and returns both its result and the calls it made.
 * When `work` throws, the calls stay reachable through `callsMadeBefore(error)`: money spent
 * by a round cut short is still recorded.
 */
export async function collectCalls<T>(work: () => Promise<T>): Promise<{ value: T; calls: LlmCallDraft[] }> {
  const calls: LlmCallDraft[] = [];
  try {
    const value = await roundCalls.run(calls, work);
    return { value, calls };
  } catch (error) {
    if (typeof error === 'object' && error !== null) callsOfFailedWork.set(error, calls);
    throw error;
  }
}

/** The LLM calls a round made before it threw `error` (empty when none were collected). */
export function callsMadeBefore(error: unknown): LlmCallDraft[] {
  return typeof error === 'object' && error !== null ? (callsOfFailedWork.get(error) ?? []) : [];
}

/** The recorder's sink: files a call under the round that made it (or `orphans` outside a round). */
export function recordCall(call: LlmCallDraft, orphans?: (call: LlmCallDraft) => void): void {
  const calls = roundCalls.getStore();
  if (calls) calls.push(call);
  else orphans?.(call);
}
