import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from './store.js';
import { createTempStore, type TempStore } from './test-support/fixtures.js';

let temp: TempStore;
let store: Store;

beforeEach(() => {
  temp = createTempStore();
  store = temp.open();
});
afterEach(() => temp.cleanup());

describe('sampler state and meta', () => {
  it('saves and replaces sampler state by name', () => {
    expect(store.loadSamplerState('ucb1')).toBeUndefined();
    store.saveSamplerState('ucb1', { visits: { '0': 3 }, total: 3 });
    store.saveSamplerState('island', [1, 2, null]);
    store.saveSamplerState('ucb1', { visits: { '0': 4 }, total: 4 });
    expect(store.loadSamplerState('ucb1')).toEqual({ visits: { '0': 4 }, total: 4 });
    expect(store.loadSamplerState('island')).toEqual([1, 2, null]);
    store.saveSamplerState('null-state', null);
    expect(store.loadSamplerState('null-state')).toBeNull();
  });

  it('keeps string meta by key', () => {
    expect(store.getMeta('seed')).toBeUndefined();
    store.setMeta('seed', '42');
    store.setMeta('seed', '43');
    store.setMeta('empty', '');
    expect(store.getMeta('seed')).toBe('43');
    expect(store.getMeta('empty')).toBe('');
  });
});
