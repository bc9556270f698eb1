import { killSpawnedProcesses } from '../evaluation/index.js';
import { killChildProcesses } from './child-processes.js';

/** Where the signals come from and how the process ends; the real process by default (tests pass their own). */
export interface InterruptHost {
  on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  off(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  exit(code: number): void;
  /** Ends what the command started (evaluations, local servers) before a forced exit. */
  killChildren(): void;
}

export interface InterruptOptions {
  write: (text: string) => void;
  /** Printed on the first signal: the command stops cleanly. */
  stopping: string;
  /** Printed on the second signal, just before the process exits with 130. */
  forced: string;
  /** Synchronous clean-up before a forced exit (releasing a lock); its errors are ignored. */
  beforeForcedExit?: () => void;
  /** What `signal.reason` holds once aborted. @default an AbortError */
  abortReason?: unknown;
  host?: InterruptHost;
}

/** A listener for Ctrl-C (and SIGTERM) held while a command runs. */
export interface Interrupt {
  /** Aborted on the first signal. */
  readonly signal: AbortSignal;
  /** Stops listening; safe to call more than once. */
  dispose(): void;
}

const processHost: InterruptHost = {
  on: (signal, listener) => process.on(signal, listener),
  off: (signal, listener) => process.off(signal, listener),
  exit: (code) => process.exit(code),
  killChildren: () => {
    // The evaluations first: they are the spawner's children, not this process's.
    killSpawnedProcesses();
    killChildProcesses();
  },
};

/**
 * First Ctrl-C (or SIGTERM): print `stopping` and abort `signal`, so the command stops cleanly.
 * Second: print `forced`, kill the child processes and exit with 130 at once, for when a clean
 * stop takes too long (an evaluator that ignores SIGTERM for its whole grace period, a hung call).
 * @example const interrupt = listenForInterrupt({ write, stopping: 'Stopping…', forced: 'Stopped at once.' });
 */
export function listenForInterrupt(options: InterruptOptions): Interrupt {
  const host = options.host ?? processHost;
  const controller = new AbortController();
  let forced = false;
  const onSignal = (): void => {
    if (!controller.signal.aborted) {
      options.write(options.stopping);
      controller.abort(options.abortReason);
      return;
    }
    if (forced) return;
    forced = true;
    options.write(options.forced);
    try {
      options.beforeForcedExit?.();
    } catch {
      // The exit must happen: a lock left behind is taken over by the next run (its holder is dead).
    }
    host.killChildren();
    host.exit(130);
  };
  host.on('SIGINT', onSignal);
  host.on('SIGTERM', onSignal);
  let disposed = false;
  return {
    signal: controller.signal,
    dispose: () => {
      if (disposed) return;
      disposed = true;
      host.off('SIGINT', onSignal);
      host.off('SIGTERM', onSignal);
    },
  };
}
