import type { Random } from '../../random.js';
import { evolvableLiterals, replaceLiterals, type NumericLiteral } from './literals.js';

/** One changed constant. */
export interface LiteralChange {
  line: number;
  before: string;
  after: string;
}

export interface Perturbation {
  program: string;
  changes: LiteralChange[];
  /** The log-normal spread used for this perturbation. */
  sigma: number;
}

/** Small steps most of the time, larger ones sometimes. */
const sigmaSchedule: ReadonlyArray<{ sigma: number; weight: number }> = [
  { sigma: 0.02, weight: 0.4 },
  { sigma: 0.05, weight: 0.35 },
  { sigma: 0.2, weight: 0.25 },
];

/** Integers are tuned rarely (they are often sizes, counts or indices). */
const integerWeight = 0.15;

/** A standard normal draw (Box–Muller). */
export function gaussian(random: Random): number {
  const u = 1 - random.next();
  const v = random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function pickWeighted<T>(items: readonly T[], weight: (item: T) => number, random: Random): number {
  const total = items.reduce((sum, item) => sum + weight(item), 0);
  let threshold = random.next() * total;
  for (let index = 0; index < items.length; index++) {
    const item = items[index] as T;
    threshold -= weight(item);
    if (threshold < 0) return index;
  }
  return items.length - 1;
}

function significantDigits(text: string): number {
  const mantissa = text.toLowerCase().split('e')[0] ?? '';
  const digits = mantissa.replace('.', '').replace(/^0+/, '');
  return Math.max(1, digits.length);
}

/** A float written like the original: a similar precision, an exponent if it had one, always a float. */
export function formatFloat(value: number, original: string, precision: number): string {
  let text: string;
  if (/e/i.test(original)) {
    text = value
      .toExponential(Math.max(0, precision - 1))
      .replace(/\.?0+e/, 'e')
      .replace('e+', 'e');
  } else {
    text = String(Number(value.toPrecision(precision)));
    if (/e/.test(text)) text = text.replace('e+', 'e');
  }
  if (!/[.e]/.test(text)) text = `${text}.0`;
  return text;
}

function perturbFloat(literal: NumericLiteral, sigma: number, random: Random): string {
  if (literal.value === 0) {
    const noise = sigma * Math.abs(gaussian(random)) || sigma;
    return formatFloat(noise, literal.text, 2);
  }
  const drawn = Math.exp(sigma * gaussian(random));
  // Near the largest double a step up would overflow to Infinity: step down instead.
  const factor = Number.isFinite(literal.value * drawn * (1 + sigma)) ? drawn : Math.min(drawn, 1 / drawn);
  const basePrecision = Math.max(3, significantDigits(literal.text) + 1);
  for (let precision = basePrecision; precision <= 15; precision++) {
    const text = formatFloat(literal.value * factor, literal.text, precision);
    if (Number(text) !== literal.value && Number.isFinite(Number(text))) return text;
  }
  return formatFloat(literal.value * (factor < 1 ? 1 / (1 + sigma) : 1 + sigma), literal.text, 15);
}

function perturbInteger(literal: NumericLiteral, random: Random): string {
  // Only integers above 1 are candidates, so a step down stays at 1 or more.
  return String(random.next() < 0.5 ? literal.value + 1 : literal.value - 1);
}

/**
 * Perturbs 1 to 3 numeric constants of a program (inside its EVOLVE blocks when it has any):
 * floats are multiplied by a log-normal factor around 1 (σ drawn from a schedule: 0.02, 0.05 or
 * 0.2), a float zero gets small positive noise, and an integer above 1 is chosen rarely and moved
 * by ±1. Integers 0 and 1, integers too large for exact arithmetic (above 2^53) and non-finite
 * floats are never touched. Null when the program has no such constant.
 * Deterministic under `random`.
 */
export function perturbProgram(program: string, random: Random): Perturbation | null {
  // Integers past 2^53 cannot move by exactly 1 in a double, and a non-finite float (1e999) has no neighbour.
  const candidates = evolvableLiterals(program).filter((literal) =>
    literal.isFloat ? Number.isFinite(literal.value) : Number.isSafeInteger(literal.value + 1) && literal.value > 1,
  );
  if (candidates.length === 0) return null;
  const sigma = sigmaSchedule[pickWeighted(sigmaSchedule, (entry) => entry.weight, random)]?.sigma ?? 0.05;
  const count = Math.min(candidates.length, 1 + random.int(3));
  const pool = [...candidates];
  const chosen: NumericLiteral[] = [];
  for (let pick = 0; pick < count; pick++) {
    const index = pickWeighted(pool, (literal) => (literal.isFloat ? 1 : integerWeight), random);
    chosen.push(...pool.splice(index, 1));
  }
  chosen.sort((left, right) => left.start - right.start);
  const replacements = chosen.map((literal) => ({
    literal,
    text: literal.isFloat ? perturbFloat(literal, sigma, random) : perturbInteger(literal, random),
  }));
  return {
    program: replaceLiterals(program, replacements),
    changes: replacements.map(({ literal, text }) => ({ line: literal.line, before: literal.text, after: text })),
    sigma,
  };
}
