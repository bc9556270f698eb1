import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../test-support/free-port.js';

/** A redis-server started by a test, on loopback, with everything in a temp folder. */
export interface RedisServer {
  /** `redis://[:password@]127.0.0.1:PORT`. */
  url: string;
  port: number;
  pid: number;
  /** Stops the server by its PID (SIGTERM, then SIGKILL) and removes its folder. */
  stop(): Promise<void>;
}

/** True when something on the port answers PING like Redis (NOAUTH counts: it is up, and wants the password). */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (up: boolean): void => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'));
    });
    socket.once('connect', () => socket.write('PING\r\n'));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts `redis-server` as a child process on a free loopback port: no persistence, its folder
 * a temp one, `--requirepass` when a password is given. Resolves once it answers PING; throws
 * with its output when it does not (never skips: the queue's tests need a real Redis).
 * @example
 * const redis = await startRedisServer();
 * afterAll(() => redis.stop());
 */
export async function startRedisServer(options: { password?: string; timeoutMs?: number } = {}): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'asi-redis-'));
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--daemonize',
    'no',
  ];
  if (options.password !== undefined) args.push('--requirepass', options.password);
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let spawnError: Error | null = null;
  child.once('error', (error) => (spawnError = error));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGTERM');
      const killer = setTimeout(
        () => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL'),
        5_000,
      );
      await exited(child);
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  while (!(await answersPing(port))) {
    const failure: Error | null = spawnError;
    if (failure !== null || child.exitCode !== null || Date.now() > deadline) {
      await stop();
      const why =
        failure !== null
          ? `could not be started (${(failure as Error).message}; install Debian's redis-server, as .ci/run does)`
          : child.exitCode !== null
            ? `exited with code ${child.exitCode}`
            : 'did not answer PING in time';
      throw new Error(`redis-server on port ${port} ${why}. Its output:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
  return { url: `redis://${auth}127.0.0.1:${port}`, port, pid: child.pid!, stop };
}
