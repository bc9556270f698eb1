import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { listenForInterrupt, type InterruptHost } from './interrupt.js';

/** Signals sent by the test; exits and kills recorded in order instead of performed. */
function fakeHost() {
  const emitter = new EventEmitter();
  const done: string[] = [];
  const host: InterruptHost = {
    on: (signal, listener) => emitter.on(signal, listener),
    off: (signal, listener) => emitter.off(signal, listener),
    exit: (code) => void done.push(`exit ${code}`),
    killChildren: () => void done.push('kill children'),
  };
  return {
    host,
    done,
    send: (signal: 'SIGINT' | 'SIGTERM') => emitter.emit(signal),
    listeners: () => emitter.listenerCount('SIGINT') + emitter.listenerCount('SIGTERM'),
  };
}

describe('listenForInterrupt', () => {
  it('aborts on the first Ctrl-C; on the second prints one line, cleans up, kills the children and exits with 130', () => {
    const { host, done, send } = fakeHost();
    let output = '';
    const interrupt = listenForInterrupt({
      write: (text) => (output += text),
      stopping: 'stopping\n',
      forced: 'stopped at once\n',
      beforeForcedExit: () => done.push('release lock'),
      host,
    });
    expect(interrupt.signal.aborted).toBe(false);
    send('SIGINT');
    expect(interrupt.signal.aborted).toBe(true);
    expect(output).toBe('stopping\n');
    expect(done).toEqual([]);
    send('SIGINT');
    expect(output).toBe('stopping\nstopped at once\n');
    expect(done).toEqual(['release lock', 'kill children', 'exit 130']);
    // A third signal while exiting changes nothing.
    send('SIGINT');
    expect(done).toEqual(['release lock', 'kill children', 'exit 130']);
  });

  it('treats SIGTERM like Ctrl-C, and still exits when the clean-up throws', () => {
    const { host, done, send } = fakeHost();
    const interrupt = listenForInterrupt({
      write: () => undefined,
      stopping: '',
      forced: '',
      beforeForcedExit: () => {
        throw new Error('lock file gone');
      },
      abortReason: 'why',
      host,
    });
    send('SIGTERM');
    expect(interrupt.signal.reason).toBe('why');
    send('SIGINT');
    expect(done).toEqual(['kill children', 'exit 130']);
  });

  it('stops listening once disposed', () => {
    const { host, done, send, listeners } = fakeHost();
    const interrupt = listenForInterrupt({ write: () => undefined, stopping: '', forced: '', host });
    expect(listeners()).toBe(2);
    interrupt.dispose();
    interrupt.dispose();
    expect(listeners()).toBe(0);
    send('SIGINT');
    send('SIGINT');
    expect(interrupt.signal.aborted).toBe(false);
    expect(done).toEqual([]);
  });
});
