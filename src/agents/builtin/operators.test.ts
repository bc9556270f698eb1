import { describe, expect, it } from 'vitest';
import { createRandom } from '../../random.js';
import { crossoverPrograms, programShape } from './crossover.js';
import { findNumericLiterals } from './literals.js';
import { formatFloat, perturbProgram } from './perturb.js';

const program = [
  'import math',
  '',
  'def pack(n):',
  '    radius = 0.12',
  '    spacing = 1.75',
  '    ring = 0.3',
  '    tolerance = 1e-6',
  '    zero = 0.0',
  '    for index in range(26):',
  '        pass',
  '    return [radius, spacing, ring, tolerance, zero, 1, 0]',
  '',
].join('\n');

describe('perturbProgram', () => {
  it('changes 1 to 3 numbers and nothing else', () => {
    for (let seed = 0; seed < 50; seed++) {
      const result = perturbProgram(program, createRandom(seed));
      if (result === null) throw new Error('expected a perturbation');
      expect(programShape(result.program)).toBe(programShape(program));
      const before = findNumericLiterals(program);
      const after = findNumericLiterals(result.program);
      const changed = before.filter((literal, index) => Number(after[index]?.text) !== literal.value);
      expect(changed.length).toBeGreaterThanOrEqual(1);
      expect(changed.length).toBeLessThanOrEqual(3);
      expect(result.changes).toHaveLength(changed.length);
      for (const change of result.changes) {
        const original = Number(change.before);
        const now = Number(change.after);
        if (Number.isInteger(original) && !/[.e]/i.test(change.before)) {
          expect(original).toBeGreaterThan(1);
          expect(Math.abs(now - original)).toBe(1);
        } else if (original === 0) {
          expect(now).toBeGreaterThan(0);
          expect(now).toBeLessThan(1);
        } else {
          expect(now / original).toBeGreaterThan(0.3);
          expect(now / original).toBeLessThan(3);
          expect(change.after).toMatch(/[.e]/);
        }
      }
    }
  });

  it('is deterministic under a seed and varies across seeds', () => {
    expect(perturbProgram(program, createRandom(7))).toEqual(perturbProgram(program, createRandom(7)));
    const outputs = new Set(
      Array.from({ length: 20 }, (_, seed) => perturbProgram(program, createRandom(seed))?.program),
    );
    expect(outputs.size).toBeGreaterThan(10);
  });

  it('only touches constants inside EVOLVE blocks', () => {
    const marked = 'A = 0.5\n# EVOLVE-BLOCK-START\nB = 0.5\n# EVOLVE-BLOCK-END\nC = 0.5\n';
    for (let seed = 0; seed < 20; seed++) {
      const result = perturbProgram(marked, createRandom(seed));
      expect(result?.changes.map((change) => change.line)).toEqual([3]);
      expect(result?.program.startsWith('A = 0.5\n')).toBe(true);
      expect(result?.program.endsWith('C = 0.5\n')).toBe(true);
    }
  });

  it('returns null when there is nothing to tune', () => {
    expect(perturbProgram('print("hello 0.5")\nx = [0, 1]\n', createRandom(1))).toBeNull();
  });

  it('never writes Infinity for a float near the largest double', () => {
    const huge = 'limit = 1.7976931348623157e308\n';
    for (let seed = 0; seed < 20; seed++) {
      const result = perturbProgram(huge, createRandom(seed));
      const after = result?.changes[0]?.after ?? '';
      expect(after).not.toMatch(/Infinity/);
      expect(Number.isFinite(Number(after))).toBe(true);
    }
  });

  it('leaves integers beyond exact double precision alone (no ±1 lost, no float rewrite)', () => {
    expect(
      perturbProgram('SEED = 123456789012345678901234567890\nBIG = 9007199254740993\n', createRandom(1)),
    ).toBeNull();
  });

  it('writes floats like the original', () => {
    expect(formatFloat(0.31712, '0.3', 3)).toBe('0.317');
    expect(formatFloat(2, '1.5', 3)).toBe('2.0');
    expect(formatFloat(1.0512e-6, '1e-6', 3)).toBe('1.05e-6');
  });
});

describe('crossoverPrograms', () => {
  const first = 'a = 0.1\nb = 0.2\nc = 0.3\nd = 4\n';
  const second = 'a = 0.9\nb = 0.8\nc = 0.7\nd = 4\n';

  it('mixes the constants of two same-shape programs, some from each', () => {
    for (let seed = 0; seed < 30; seed++) {
      const result = crossoverPrograms(first, second, createRandom(seed));
      if (result === null) throw new Error('expected a crossover');
      const values = findNumericLiterals(result.program).map((literal) => literal.text);
      const firstValues = findNumericLiterals(first).map((literal) => literal.text);
      const secondValues = findNumericLiterals(second).map((literal) => literal.text);
      values.forEach((value, index) => expect([firstValues[index], secondValues[index]]).toContain(value));
      expect(values.some((value, index) => value === firstValues[index] && value !== secondValues[index])).toBe(true);
      expect(values.some((value, index) => value === secondValues[index] && value !== firstValues[index])).toBe(true);
      expect(result.differing).toBe(3);
      expect(programShape(result.program)).toBe(programShape(first));
      expect(result.changes.length).toBeGreaterThanOrEqual(1);
      expect(result.changes.length).toBeLessThanOrEqual(2);
    }
  });

  it('is deterministic under a seed', () => {
    expect(crossoverPrograms(first, second, createRandom(3))).toEqual(
      crossoverPrograms(first, second, createRandom(3)),
    );
  });

  it('refuses programs of different shapes or with fewer than two differing constants', () => {
    expect(crossoverPrograms(first, 'a = 0.9\nb = 0.8\n', createRandom(1))).toBeNull();
    expect(crossoverPrograms(first, first.replace('0.1', '0.5'), createRandom(1))).toBeNull();
    expect(crossoverPrograms(first, first, createRandom(1))).toBeNull();
  });
});
