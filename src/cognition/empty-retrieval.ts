/** What the watch needs to know about the run's retrieval settings. */
export interface EmptyRetrievalWatchOptions {
  /** Retrievals that must all come back empty before the run is told. @default 3 */
  rounds?: number;
  threshold: number;
  /** True when `cognition.retrieval.score_threshold` was set, false when it is the embedder's default. */
  thresholdConfigured: boolean;
  notify: (message: string) => void;
}

/**
 * Watches a run's first retrievals: when the first `rounds` of them all return nothing although
 * items are stored, it says so once, with the best similarity seen and the key that decides,
 * so that a Researcher silently working without its cognition base is noticed. A retrieval that
 * returns anything ends the watch.
 *
 * @example
 * const watch = createEmptyRetrievalWatch({ threshold: 0.3, thresholdConfigured: true, notify: relay.notify });
 * const result = await retriever.retrieveForNodes(queries);
 * watch.observe(result.items.length, result.bestScore, store.countCognitionItems());
 */
export function createEmptyRetrievalWatch(options: EmptyRetrievalWatchOptions): {
  observe(found: number, bestScore: number | null, stored: number): void;
} {
  const rounds = options.rounds ?? 3;
  let empty = 0;
  let best: number | null = null;
  let done = false;
  return {
    observe(found, bestScore, stored) {
      if (done) return;
      if (found > 0) {
        done = true;
        return;
      }
      if (stored === 0) return;
      empty += 1;
      if (bestScore !== null) best = Math.max(best ?? Number.NEGATIVE_INFINITY, bestScore);
      if (empty < rounds) return;
      done = true;
      const seen = best === null ? 'no item could be compared' : `the best similarity seen was ${best.toFixed(3)}`;
      const key = options.thresholdConfigured
        ? `cognition.retrieval.score_threshold (${options.threshold}): lower it, or unset it to use the value that suits the embedder`
        : `the embedder's default threshold (${options.threshold}): set cognition.retrieval.score_threshold lower`;
      options.notify(
        `Cognition: the first ${rounds} retrievals found nothing among ${stored} stored items (${seen}, under ${key}); the Researcher works without the cognition base until an item passes.`,
      );
    },
  };
}
