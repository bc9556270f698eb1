import { expect } from 'vitest';
import { LlmCallError } from '../errors.js';

/** Awaits a call that must fail with an `LlmCallError` and returns that error. */
export async function callFailure(promise: Promise<unknown>): Promise<LlmCallError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(LlmCallError.isInstance(error)).toBe(true);
  return error as LlmCallError;
}
