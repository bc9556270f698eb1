import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';

/**
 * Evaluations are started by a small helper process, the spawner, not by the run itself. Node's
 * spawn forks the calling process, and a fork copies the page tables of the whole run (its heap,
 * the database's pages): about 2 ms for a 130 MB run on the development machine, growing with the
 * run's memory, and while it lasts the run's own threads stall on page faults. The spawner is a
 * bare Node process (about 13–20 MB of its own memory): forking it is cheap and stalls nothing of
 * the run. It relays each child's output and exit over its IPC channel; signals go to the
 * child's pid from the run directly. Each child's parent-death signal (bubblewrap's
 * --die-with-parent, setpriv --pdeathsig) fires when the spawner ends, and the spawner ends, killing
 * every process group it started, as soon as its channel to the run closes: the run exited or
 * was killed. It leads a session of its own, so a Ctrl-C at the terminal reaches the run alone.
 */
const spawnerSource = String.raw`
process.title = 'asi-evolve-spawner';
const { spawn } = require('node:child_process');
const children = new Map();
// Once the channel is closed, 'disconnect' ends this process: nothing is left to tell.
const post = (message) => { if (process.connected) process.send(message); };
process.on('disconnect', () => {
  for (const child of children.values()) {
    try { process.kill(-child.pid, 'SIGKILL'); } catch {}
  }
  process.exit(0);
});
process.on('message', (message) => {
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
      post({ id, type: stream, chunk: new Uint8Array(chunk) });
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

type SpawnerMessage =
  | { id: number; type: 'spawned'; pid: number }
  | { id: number; type: 'error'; message: string; code?: string }
  | { id: number; type: 'stdout' | 'stderr'; chunk: Uint8Array }
  | { id: number; type: 'closed'; stream: 'stdout' | 'stderr' }
  | { id: number; type: 'exit'; code: number | null; signal: NodeJS.Signals | null }
  | { id: number; type: 'ready' };

export interface SpawnOptions {
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
 * A child started by the spawner, leading its own process group (detached). Events: `spawned`
 * (pid), `error` (it could not start), `stdout`/`stderr` (Buffer), `closed` (a pipe closed:
 * 'stdout' or 'stderr'), `exit` (code, signal), `ready` (with `readyPipe`: the child wrote on
 * its fd 3).
 */
export class SpawnedChild extends EventEmitter {
  pid: number | undefined;
  constructor(
    readonly id: number,
    public keepsProcessAlive: boolean,
    private readonly pool: Pool,
  ) {
    super();
  }

  /** Writes `data` (if any) to a held stdin, then closes it: the child reads end of file after it. */
  endStdin(data?: string): void {
    this.pool.send({ id: this.id, type: 'end-stdin', data });
  }

  /** From now on the child keeps this process alive while it runs. */
  holdProcess(): void {
    this.keepsProcessAlive = true;
    refresh(this.pool);
  }

  /** Stops reading its output and closes its stdin; the spawner forgets it. */
  stopPipes(): void {
    this.pool.send({ id: this.id, type: 'stop-pipes' });
    this.pool.children.delete(this.id);
    refresh(this.pool);
  }
}

interface Pool {
  spawner: ChildProcess;
  children: Map<number, SpawnedChild>;
  send(message: object): void;
}

let pool: Pool | undefined;
let nextId = 1;

function startPool(): Pool {
  // Its own session (Ctrl-C reaches the run alone) and an empty environment: it needs nothing
  // of the run's, keys included, and each child gets its environment with its request.
  // Semi-spaces of 1 MB, not Node's 16: the spawner keeps under 5 MB alive, and with the default its
  // young generation alone grew it to 60 MB over a few thousand evaluations (each fork then copying more).
  const spawner = spawn(process.execPath, ['--max-semi-space-size=1', '-e', spawnerSource], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    serialization: 'advanced',
    detached: true,
    env: {},
  });
  const children = new Map<number, SpawnedChild>();
  const created: Pool = {
    spawner,
    children,
    send: (message) => {
      if (spawner.connected) spawner.send(message);
    },
  };
  // Gone (killed from outside): its children die with it (their parent-death signals, or the
  // watchdog's stdin); a child not started yet could not start, one started ended by SIGKILL.
  const fail = (error: Error): void => {
    if (pool === created) pool = undefined;
    for (const child of children.values()) {
      if (child.pid === undefined) {
        child.emit('error', error);
        continue;
      }
      child.emit('closed', 'stdout');
      child.emit('closed', 'stderr');
      child.emit('exit', null, 'SIGKILL');
    }
    children.clear();
  };
  spawner.on('error', fail);
  spawner.on('exit', (code, signal) => fail(new Error(`the evaluation spawner exited (${signal ?? `code ${code}`})`)));
  spawner.on('message', (message: SpawnerMessage) => {
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
  refresh(created);
  return created;
}

/** The spawner keeps this process alive only while a child of it runs. */
function refresh(of: Pool): void {
  let alive = false;
  for (const child of of.children.values()) alive ||= child.keepsProcessAlive;
  if (alive) {
    of.spawner.ref();
    of.spawner.channel?.ref();
  } else {
    of.spawner.unref();
    of.spawner.channel?.unref();
  }
}

/** Starts `file args` from the spawner process; returns at once, before the child runs. */
export function spawnViaSpawner(file: string, args: readonly string[], options: SpawnOptions): SpawnedChild {
  const current = (pool ??= startPool());
  const id = nextId;
  nextId += 1;
  const child = new SpawnedChild(id, options.keepsProcessAlive ?? true, current);
  current.children.set(id, child);
  refresh(current);
  current.send({
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

/**
 * SIGKILLs every process group the spawner started and still watches, then the spawner itself:
 * for an exit that cannot wait (a second Ctrl-C). Synchronous; never throws.
 */
export function killSpawnedProcesses(): void {
  const current = pool;
  if (current === undefined) return;
  for (const child of current.children.values()) {
    if (child.pid === undefined) continue;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  current.spawner.kill('SIGKILL');
}
