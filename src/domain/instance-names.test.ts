import { describe, expect, it } from 'vitest';
import { LISTED_INSTANCES, listInstances } from './instance-names.js';

describe('listInstances', () => {
  it('lists plain names as they are', () => {
    expect(listInstances(['easy', 'p.2', 'constructor', '__proto__'])).toBe('easy, p.2, constructor, __proto__');
  });

  it('quotes names that would break the line or read as several', () => {
    expect(listInstances(['a\nb', 'x, y', ' pad', '', 'say "hi"'])).toBe('"a\\nb", "x, y", " pad", "", "say \\"hi\\""');
  });

  it('names at most LISTED_INSTANCES, then counts the rest', () => {
    const many = Array.from({ length: 4096 }, (_, index) => `case${index}`);
    const line = listInstances(many);
    expect(line.split(', ')).toHaveLength(LISTED_INSTANCES);
    expect(line.endsWith(`case${LISTED_INSTANCES - 1} and ${4096 - LISTED_INSTANCES} more`)).toBe(true);
  });
});
