import { AsiEvolveError } from '../errors.js';
import type { JsonObject, JsonValue } from '../domain/index.js';
import type { SamplingPolicy } from './policy.js';

/** Version of the saved state layout; bumped when a policy's state changes shape. */
export const stateVersion = 1;

/**
 * The saved state of `policy`, or null when there is nothing to resume from: no state, or the
 * state of another policy (the user switched algorithms; the new one starts fresh).
 * A state of this policy that is not a well-formed object is STORE_CORRUPT.
 */
export function readPolicyState(state: JsonValue, policy: string): JsonObject | null {
  if (state === null || typeof state !== 'object' || Array.isArray(state)) {
    if (state === null) return null;
    throw corruptState(policy, 'it is not an object');
  }
  if (state.policy !== policy) return null;
  if (state.version !== stateVersion) throw corruptState(policy, `unknown version ${JSON.stringify(state.version)}`);
  return state;
}

/** The STORE_CORRUPT error for a saved sampler state that cannot be read. */
export function corruptState(policy: string, reason: string): AsiEvolveError {
  return new AsiEvolveError(
    'STORE_CORRUPT',
    `Saved state of sampling policy "${policy}" cannot be restored: ${reason}`,
    {
      hint: 'The sampler state in the database was changed outside the tool; restore a backup or start a new run.',
    },
  );
}

/** A non-negative integer field of a saved state. */
export function readCount(state: JsonObject, key: string, policy: string): number {
  const value = state[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw corruptState(policy, `\`${key}\` is not a non-negative integer`);
  }
  return value;
}

/** An array of integer ids of a saved state. */
export function readIds(value: JsonValue | undefined, key: string, policy: string): number[] {
  if (!Array.isArray(value) || !value.every((id) => typeof id === 'number' && Number.isInteger(id))) {
    throw corruptState(policy, `\`${key}\` is not a list of node ids`);
  }
  return value as number[];
}

/** What a policy without saved state does: choose, and keep its indexes up to date. */
export type IndexingPolicy = Pick<SamplingPolicy, 'select' | 'observe' | 'forget'>;

/**
 * A policy that saves no state of its own: everything it knows is rebuilt by observe() on
 * resume, the saved state only names the policy, and restore() checks that a saved state of
 * this policy is well formed.
 * @example return statelessPolicy('greedy', { select, observe, forget });
 */
export function statelessPolicy(name: string, policy: IndexingPolicy): SamplingPolicy {
  return {
    name,
    select: policy.select,
    observe: policy.observe,
    forget: policy.forget,
    state: () => ({ policy: name, version: stateVersion }),
    restore: (state) => {
      readPolicyState(state, name);
    },
  };
}
