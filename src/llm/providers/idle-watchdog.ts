import { timerDelayMs } from '../wrappers/sleep.js';

/** A per-call abort signal that fires when the caller aborts or when nothing arrives for `idleMs`. */
export interface IdleWatchdog {
  /** Pass this to the request: it aborts on the caller's abort or when idle. */
  readonly signal: AbortSignal;
  /** Call on every chunk received: the idle clock restarts. */
  touch(): void;
  /** The idle error, once the watchdog fired (undefined before). */
  readonly idleError: Error | undefined;
  /** Stops the clock and detaches from the caller's signal. */
  stop(): void;
}

/**
 * Watches a streamed call: if neither the first chunk nor any later one arrives within
 * `idleMs`, the call's signal is aborted with `onIdle()`'s error. A connection that is
 * accepted and never answered, and a stream that stops halfway, are both abandoned this way.
 *
 * @example
 * const watchdog = watchIdle({ idleMs: 60_000, signal: options.abortSignal, onIdle: () => new Error('idle') });
 * try { for await (const chunk of stream) { watchdog.touch(); ... } } finally { watchdog.stop(); }
 */
export function watchIdle(options: {
  idleMs: number;
  signal: AbortSignal | undefined;
  onIdle: () => Error;
}): IdleWatchdog {
  const controller = new AbortController();
  let idleError: Error | undefined;
  let timer: NodeJS.Timeout | undefined;
  const callerSignal = options.signal;
  const onCallerAbort = (): void => {
    clearTimeout(timer);
    controller.abort(callerSignal?.reason);
  };
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      idleError = options.onIdle();
      controller.abort(idleError);
    }, timerDelayMs(options.idleMs));
  };
  if (callerSignal?.aborted) controller.abort(callerSignal.reason);
  else {
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    arm();
  }
  return {
    signal: controller.signal,
    touch: () => {
      if (!controller.signal.aborted) arm();
    },
    get idleError() {
      return idleError;
    },
    stop: () => {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    },
  };
}
