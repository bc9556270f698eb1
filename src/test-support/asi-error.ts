import { AsiEvolveError } from '../errors.js';

/** The AsiEvolveError that `action` throws; any other error is thrown on, and none at all fails the test. */
export function thrownAsiError(action: () => unknown): AsiEvolveError {
  try {
    action();
  } catch (error) {
    if (AsiEvolveError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an error');
}

/** The AsiEvolveError that `promise` rejects with; any other error is thrown on, and none at all fails the test. */
export async function rejectedAsiError(promise: Promise<unknown>): Promise<AsiEvolveError> {
  try {
    await promise;
  } catch (error) {
    if (AsiEvolveError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an error');
}
