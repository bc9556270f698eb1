import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from './store.js';
import { createTempStore, type TempStore } from './test-support/fixtures.js';

let temp: TempStore;
let store: Store;

beforeEach(() => {
  temp = createTempStore();
  store = temp.open({ now: () => new Date('2026-05-06T07:08:09.000Z') });
});
afterEach(() => temp.cleanup());

describe('events', () => {
  it('stores events with defaults and returns them oldest first', () => {
    const first = store.addEvent('run-start', 'run started');
    const second = store.addEvent('round-end', 'step 1 done', { score: 1.25, tags: ['a'] }, 1);
    expect(first).toEqual({
      id: first.id,
      type: 'run-start',
      step: null,
      message: 'run started',
      data: {},
      createdAt: '2026-05-06T07:08:09.000Z',
    });
    expect(store.listEvents()).toEqual([first, second]);
    expect(second).toMatchObject({ step: 1, data: { score: 1.25, tags: ['a'] } });
  });

  it('pages with sinceId and limit', () => {
    const ids = Array.from({ length: 7 }, (_, index) => store.addEvent('tick', `event ${index}`).id);
    expect(store.listEvents({ limit: 3 }).map((event) => event.id)).toEqual(ids.slice(0, 3));
    const page = store.listEvents({ sinceId: ids[2], limit: 3 });
    expect(page.map((event) => event.message)).toEqual(['event 3', 'event 4', 'event 5']);
    expect(store.listEvents({ sinceId: page.at(-1)?.id })).toHaveLength(1);
    expect(store.listEvents({ sinceId: ids.at(-1) })).toEqual([]);
  });

  it('gives the steps of the newest events of a type, newest first', () => {
    for (const step of [3, 1, 7, 2]) {
      store.addEvent('round-end', `step ${step}`, {}, step);
      store.addEvent('notice', 'between', {}, 100 + step);
    }
    store.addEvent('round-end', 'no step');
    expect(store.newestEventSteps('round-end', 3)).toEqual([2, 7, 1]);
    expect(store.newestEventSteps('round-end', 10)).toEqual([2, 7, 1, 3]);
    expect(store.newestEventSteps('run-start', 10)).toEqual([]);
  });
});
