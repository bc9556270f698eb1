import { describe, expect, it } from 'vitest';
import { createRandom } from '../random.js';
import { IdPositions } from './id-positions.js';

describe('IdPositions', () => {
  it('answers the k-th smallest id like a sorted array, through adds, deletes and growth', () => {
    const random = createRandom('id-positions');
    const positions = new IdPositions();
    const model = new Set<number>();
    for (let operation = 0; operation < 4000; operation++) {
      // Ids grow like round numbers, with occasional deletes anywhere (evictions).
      const id = random.next() < 0.7 ? operation : random.int(operation + 1);
      if (random.next() < 0.25) {
        expect(positions.delete(id)).toBe(model.delete(id));
      } else {
        const isNew = !model.has(id);
        model.add(id);
        expect(positions.add(id)).toBe(isNew);
      }
      if (operation % 97 === 0) {
        const sorted = [...model].sort((left, right) => left - right);
        expect(positions.size).toBe(sorted.length);
        expect([...positions]).toEqual(sorted);
      }
    }
    const sorted = [...model].sort((left, right) => left - right);
    for (let position = 0; position < sorted.length; position += 13)
      expect(positions.at(position)).toBe(sorted[position]);
  });

  it('rejects positions outside the set and ids that are not node ids', () => {
    const positions = new IdPositions();
    expect(() => positions.at(0)).toThrow(RangeError);
    positions.add(5);
    expect(positions.at(0)).toBe(5);
    expect(() => positions.at(1)).toThrow('Position 1 is outside 0..0');
    expect(() => positions.add(-1)).toThrow(RangeError);
    expect(() => positions.add(1.5)).toThrow(RangeError);
    expect(positions.has(5)).toBe(true);
    expect(positions.delete(7)).toBe(false);
  });
});
