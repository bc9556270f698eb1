import { resolve } from 'node:path';
import { AsiEvolveError } from '../errors.js';

/** Parses an integer flag, naming the flag when the value is not one. */
export function integerOption(flag: string, minimum: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < minimum) {
      throw new AsiEvolveError('USAGE', `${flag} expects an integer >= ${minimum}, got '${value}'`);
    }
    return parsed;
  };
}

/** Parses a number flag, naming the flag when the value is not one. */
export function numberOption(flag: string): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < 0)
      throw new AsiEvolveError('USAGE', `${flag} expects a number >= 0, got '${value}'`);
    return parsed;
  };
}

/** The experiment folder from a positional DIR or `--experiment NAME` (the reference tool's `experiments/NAME`). */
export function experimentDirFrom(dir: string | undefined, experiment: string | undefined): string {
  if (dir !== undefined) return resolve(dir);
  if (experiment !== undefined) return resolve('experiments', experiment);
  throw new AsiEvolveError('USAGE', 'no experiment given: pass the experiment folder (DIR) or --experiment NAME');
}

/** Parses a node id argument. */
export function nodeIdArgument(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new AsiEvolveError('USAGE', `expected a node id (an integer >= 0), got '${value}'`);
  return parsed;
}

/** The experiment folder, given as a positional DIR or as `--experiment NAME`. */
export const experimentArgument = { name: '[dir]', description: 'experiment folder' } as const;
export const experimentOption = {
  flags: '--experiment <name>',
  description: 'experiment under ./experiments/ (as in the reference tool)',
} as const;
/** A required experiment folder. */
export const experimentDirArgument = { name: '<dir>', description: 'experiment folder' } as const;
export const configFileOption = {
  flags: '--config <file>',
  description: 'extra YAML config layered over the experiment config.yaml',
} as const;
/** Machine-readable output, for scripts. */
export const jsonOption = { flags: '--json', description: 'print JSON (for scripts) instead of text' } as const;
