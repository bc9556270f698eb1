import { describe, expect, it } from 'vitest';
import { createRandom } from '../random.js';
import { topK } from './top-k.js';

describe('topK', () => {
  const descending = (left: number, right: number): number => right - left;

  it('equals the head of a full sort', () => {
    const random = createRandom(5);
    for (let trial = 0; trial < 50; trial++) {
      const values = Array.from({ length: random.int(200) }, () => random.int(50));
      const k = random.int(20);
      expect(topK(values, k, descending)).toEqual([...values].sort(descending).slice(0, k));
    }
  });

  it('keeps the first of equal items (stable)', () => {
    const items = [
      { key: 1, label: 'a' },
      { key: 2, label: 'b' },
      { key: 2, label: 'c' },
      { key: 1, label: 'd' },
    ];
    expect(topK(items, 3, (left, right) => right.key - left.key).map((item) => item.label)).toEqual(['b', 'c', 'a']);
  });

  it('handles k of zero and k beyond the input', () => {
    expect(topK([3, 1, 2], 0, descending)).toEqual([]);
    expect(topK([3, 1, 2], 10, descending)).toEqual([3, 2, 1]);
  });
});
