import { describe, expect, it } from 'vitest';
import { createEmptyRetrievalWatch } from './empty-retrieval.js';

describe('createEmptyRetrievalWatch', () => {
  it('says once, after the first empty rounds with items stored, the best similarity and the key to change', () => {
    const messages: string[] = [];
    const watch = createEmptyRetrievalWatch({
      threshold: 0.3,
      thresholdConfigured: true,
      notify: (message) => messages.push(message),
    });
    watch.observe(0, 0.11, 12);
    watch.observe(0, 0.142, 12);
    expect(messages).toEqual([]);
    watch.observe(0, 0.09, 12);
    watch.observe(0, 0.2, 12);
    expect(messages).toEqual([
      'Cognition: the first 3 retrievals found nothing among 12 stored items (the best similarity seen was 0.142, under cognition.retrieval.score_threshold (0.3): lower it, or unset it to use the value that suits the embedder); the Researcher works without the cognition base until an item passes.',
    ]);
  });

  it('stays silent once a retrieval finds something, and while nothing is stored', () => {
    const messages: string[] = [];
    const watch = createEmptyRetrievalWatch({
      rounds: 2,
      threshold: 0.08,
      thresholdConfigured: false,
      notify: (message) => messages.push(message),
    });
    watch.observe(0, null, 0);
    watch.observe(0, null, 0);
    watch.observe(1, 0.5, 4);
    watch.observe(0, 0.01, 4);
    watch.observe(0, 0.01, 4);
    expect(messages).toEqual([]);
    const unset = createEmptyRetrievalWatch({
      rounds: 1,
      threshold: 0.08,
      thresholdConfigured: false,
      notify: (message) => messages.push(message),
    });
    unset.observe(0, 0.05, 4);
    expect(messages[0]).toContain(
      "under the embedder's default threshold (0.08): set cognition.retrieval.score_threshold lower",
    );
  });
});
