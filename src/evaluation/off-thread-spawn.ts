import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';

/**
 * Node's spawn blocks its thread until the new program runs (about 5–15 ms for bubblewrap, more
 * on a loaded machine): evaluations are started from a worker thread instead, so that the event
 * loop of the run goes on meanwhile. The worker relays the child's output and exit; signals go
 * to the child's pid from any thread. The worker lives as long as the process: a parent-death
 * signal (bubblewrap's --die-with-parent, setpriv --pdeathsig) fires when the spawning thread ends.
 */
const workerSource = String.raw`
const { parentPort } = require('node:worker_threads');
const { spawn } = require('node:child_process');
const children = new Map();
const post = (message, transfer) => parentPort.postMessage(message, transfer);
parentPort.on('message', (message) => {
  const { id } = message;
  if (message.type === 'stop-pipes') {
    const child = children.get(id);
    if (child === undefined) return;
    children.delete(id);
    child.stdout.destroy();
    child.stderr.destroy();
    child.stdin.destroy();
    if (child.stdio[3]) child.stdio[3].destroy();
    return;
  }
  if (message.type === 'end-stdin') {
    const child = children.get(id);
    if (child !== undefined) child.stdin.end(message.data);
    return;
  }
  let child;
  try {
    const stdio = message.readyPipe ? ['pipe', 'pipe', 'pipe', 'pipe'] : ['pipe', 'pipe', 'pipe'];
    child = spawn(message.file, message.args, { cwd: message.cwd, env: message.env, detached: true, stdio });
  } catch (error) {
    post({ id, type: 'error', message: String(error && error.message), code: error && error.code });
    return;
  }
  child.stdin.on('error', () => undefined);
  if (!message.holdStdin) child.stdin.end();
  if (message.readyPipe) {
    const ready = child.stdio[3];
    ready.on('error', () => undefined);
    ready.once('data', () => {
      post({ id, type: 'ready' });
      ready.destroy();
    });
  }
  for (const stream of ['stdout', 'stderr']) {
    child[stream].on('error', () => undefined);
    child[stream].on('data', (chunk) => {
      const copy = new Uint8Array(chunk);
      post({ id, type: stream, chunk: copy }, [copy.buffer]);
    });
    child[stream].on('close', () => post({ id, type: 'closed', stream }));
  }
  child.once('error', (error) => {
    if (child.pid !== undefined) return;
    children.delete(id);
    post({ id, type: 'error', message: error.message, code: error.code });
  });
  if (child.pid === undefined) return;
  children.set(id, child);
  post({ id, type: 'spawned', pid: child.pid });
  child.once('exit', (code, signal) => post({ id, type: 'exit', code, signal }));
});
`;

type WorkerMessage =
  | { id: number; type: 'spawned'; pid: number }
  | { id: number; type: 'error'; message: string; code?: string }
  | { id: number; type: 'stdout' | 'stderr'; chunk: Uint8Array }
  | { id: number; type: 'closed'; stream: 'stdout' | 'stderr' }
  | { id: number; type: 'exit'; code: number | null; signal: NodeJS.Signals | null }
  | { id: number; type: 'ready' };

export interface OffThreadSpawnOptions {
  cwd: string;
  env: Record<string, string>;
  /**
   * Keep the child's stdin pipe open until {@link OffThreadChild.endStdin} or
   * {@link OffThreadChild.stopPipes}.
   */
  holdStdin: boolean;
  /**
   * Whether the child keeps this process alive while it runs (default true). A warm sandbox does
   * not until it is released: one forgotten would otherwise hold the process forever.
   */
  keepsProcessAlive?: boolean;
  /**
   * Give the child a fourth pipe, its fd 3, on which it says it is ready with one byte (event
   * `ready`): a warm sandbox says so once its launcher has set everything up.
   */
  readyPipe?: boolean;
}

/**
 * A child started by the worker, leading its own process group (detached). Events: `spawned`
 * (pid), `error` (it could not start), `stdout`/`stderr` (Buffer), `closed` (a pipe closed:
 * 'stdout' or 'stderr'), `exit` (code, signal), `ready` (with `readyPipe`: the child wrote on
 * its fd 3).
 */
export class OffThreadChild extends EventEmitter {
  pid: number | undefined;
  constructor(
    readonly id: number,
    public keepsProcessAlive: boolean,
    private readonly onDone: (child: OffThreadChild) => void,
  ) {
    super();
  }

  /** Writes `data` (if any) to a held stdin, then closes it: the child reads end of file after it. */
  endStdin(data?: string): void {
    pool?.worker.postMessage({ id: this.id, type: 'end-stdin', data });
  }

  /** From now on the child keeps this process alive while it runs. */
  holdProcess(): void {
    this.keepsProcessAlive = true;
    if (pool !== undefined) refresh(pool);
  }

  /** Stops reading its output and closes its stdin; the worker forgets it. */
  stopPipes(): void {
    pool?.worker.postMessage({ id: this.id, type: 'stop-pipes' });
    this.onDone(this);
  }
}

interface Pool {
  worker: Worker;
  children: Map<number, OffThreadChild>;
}

let pool: Pool | undefined;
let nextId = 1;

function startPool(): Pool {
  const worker = new Worker(workerSource, { eval: true });
  const children = new Map<number, OffThreadChild>();
  const created: Pool = { worker, children };
  worker.unref();
  worker.on('message', (message: WorkerMessage) => {
    const child = children.get(message.id);
    if (child === undefined) return;
    switch (message.type) {
      case 'spawned':
        child.pid = message.pid;
        child.emit('spawned', message.pid);
        break;
      case 'error':
        children.delete(message.id);
        refresh(created);
        child.emit('error', Object.assign(new Error(message.message), { code: message.code }));
        break;
      case 'stdout':
      case 'stderr':
        child.emit(message.type, Buffer.from(message.chunk.buffer, message.chunk.byteOffset, message.chunk.byteLength));
        break;
      case 'closed':
        child.emit('closed', message.stream);
        break;
      case 'exit':
        child.emit('exit', message.code, message.signal);
        break;
      case 'ready':
        child.emit('ready');
        break;
    }
  });
  worker.on('error', (error) => {
    if (pool === created) pool = undefined;
    for (const child of children.values()) child.emit('error', error);
    children.clear();
  });
  return created;
}

/** The worker keeps the process alive only while a child of it runs. */
function refresh(of: Pool): void {
  let alive = false;
  for (const child of of.children.values()) alive ||= child.keepsProcessAlive;
  if (alive) of.worker.ref();
  else of.worker.unref();
}

/** Starts `file args` from the worker thread; returns at once, before the child runs. */
export function spawnOffThread(file: string, args: readonly string[], options: OffThreadSpawnOptions): OffThreadChild {
  pool ??= startPool();
  const current = pool;
  const id = nextId;
  nextId += 1;
  const child = new OffThreadChild(id, options.keepsProcessAlive ?? true, (done) => {
    current.children.delete(done.id);
    refresh(current);
  });
  current.children.set(id, child);
  refresh(current);
  current.worker.postMessage({
    id,
    type: 'spawn',
    file,
    args: [...args],
    cwd: options.cwd,
    env: options.env,
    holdStdin: options.holdStdin,
    readyPipe: options.readyPipe === true,
  });
  return child;
}
