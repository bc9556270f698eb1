import type { Random } from '../../random.js';
import { evolvableLiterals, replaceLiterals, type NumericLiteral } from './literals.js';
import type { LiteralChange } from './perturb.js';

export interface Crossover {
  program: string;
  /** The constants taken from the second program, as changes of the first. */
  changes: LiteralChange[];
  /** How many constants differ between the two programs. */
  differing: number;
}

/** The program with its evolvable constants blanked out: two programs of one shape differ only in those. */
export function programShape(
  program: string,
  literals: readonly NumericLiteral[] = evolvableLiterals(program),
): string {
  return replaceLiterals(
    program,
    literals.map((literal) => ({ literal, text: '\u0000' })),
  );
}

/**
 * Uniform crossover of two programs of the same shape: each differing constant comes from one
 * program or the other with equal chance, and at least one from each. Null when the shapes
 * differ or fewer than two constants differ (no mix would be new). Deterministic under `random`.
 */
export function crossoverPrograms(first: string, second: string, random: Random): Crossover | null {
  const firstLiterals = evolvableLiterals(first);
  const secondLiterals = evolvableLiterals(second);
  if (firstLiterals.length !== secondLiterals.length) return null;
  if (programShape(first, firstLiterals) !== programShape(second, secondLiterals)) return null;
  const differing = firstLiterals
    .map((literal, index) => ({ literal, other: secondLiterals[index] as NumericLiteral }))
    .filter(({ literal, other }) => literal.value !== other.value);
  if (differing.length < 2) return null;
  const fromSecond = differing.map(() => random.next() < 0.5);
  const taken = fromSecond.filter(Boolean).length;
  if (taken === 0 || taken === differing.length) {
    const flip = random.int(differing.length);
    fromSecond[flip] = !fromSecond[flip];
  }
  const chosen = differing.filter((_, index) => fromSecond[index]);
  return {
    program: replaceLiterals(
      first,
      chosen.map(({ literal, other }) => ({ literal, text: other.text })),
    ),
    changes: chosen.map(({ literal, other }) => ({ line: literal.line, before: literal.text, after: other.text })),
    differing: differing.length,
  };
}
