/** Waits `ms` milliseconds; rejects with the signal's reason as soon as it aborts, leaving no timer behind. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The longest delay a Node timer honours (about 24.8 days); a longer one fires at once. */
export const longestTimerMs = 2_147_483_647;

/** A delay for setTimeout or an SDK's timeout: at most {@link longestTimerMs}, so a huge limit means "no limit" rather than "1 ms". */
export function timerDelayMs(milliseconds: number): number {
  return Math.min(milliseconds, longestTimerMs);
}
