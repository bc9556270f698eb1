import { describe, expect, it } from 'vitest';
import { eliteIds, placeElite, type EliteArchive } from './archive.js';

describe('elite archive', () => {
  it('replaces a cell occupant only with a strictly better node', () => {
    const archive: EliteArchive = new Map();
    expect(placeElite(archive, '0,0', { id: 1, score: 5 })).toBe(true);
    expect(placeElite(archive, '0,0', { id: 2, score: 5 })).toBe(false);
    expect(placeElite(archive, '0,0', { id: 3, score: 4 })).toBe(false);
    expect(archive.get('0,0')).toEqual({ id: 1, score: 5 });
    expect(placeElite(archive, '0,0', { id: 4, score: 5.5 })).toBe(true);
    expect(placeElite(archive, '1,0', { id: 5, score: 1 })).toBe(true);
    expect(eliteIds(archive)).toEqual(new Set([4, 5]));
  });
});
