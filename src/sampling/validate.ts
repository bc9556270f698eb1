import { AsiEvolveError } from '../errors.js';

/** Throws a CONFIG_INVALID error in the form "Expected `name` to be …, got …" unless `valid`. */
export function expectOption(valid: boolean, name: string, expected: string, value: unknown): void {
  if (valid) return;
  throw new AsiEvolveError('CONFIG_INVALID', `Expected \`${name}\` to be ${expected}, got ${JSON.stringify(value)}`, {
    key: name,
  });
}

/** Checks a positive integer option. */
export function expectPositiveInteger(name: string, value: number): void {
  expectOption(Number.isInteger(value) && value > 0, name, 'a positive integer', value);
}

/** Checks a number in [0, 1]. */
export function expectRatio(name: string, value: number): void {
  expectOption(Number.isFinite(value) && value >= 0 && value <= 1, name, 'a number between 0 and 1', value);
}
