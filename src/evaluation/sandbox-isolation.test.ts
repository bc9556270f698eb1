import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AsiEvolveError } from '../errors.js';
import { sandboxCapabilities, unprivilegedUser } from './capabilities.js';
import type { SandboxSettings } from './outcome.js';
import { runSandboxed } from './sandbox.js';
import { requires } from '../test-support/requires.js';
import { createScratch, survivorsOf, uniqueSleepSeconds } from './test-support/scratch.js';

const scratch = createScratch();
const bubblewrap: SandboxSettings = { mode: 'bubblewrap', network: false, readPaths: [] };
const unshare: SandboxSettings = { mode: 'unshare', network: false, readPaths: [] };
const ok = 'echo \'{"eval_score": 1}\' > results.json';

let server: Server;
let port = 0;
beforeAll(async () => {
  server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.end('hello from the host\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  scratch.cleanup();
});

/** Bash that prints "connected" when it can open a TCP connection to the test's loopback server. */
const connect = () => `(exec 3<>/dev/tcp/127.0.0.1/${port} && echo connected) 2>/dev/null || echo "no network"`;

describe('runSandboxed under bubblewrap', requires('bubblewrap'), () => {
  it('contains a child that daemonises with setsid: nothing survives the evaluation', async () => {
    const marker = uniqueSleepSeconds();
    const job = scratch.job({
      sandbox: bubblewrap,
      command: `setsid sleep ${marker} &\nsetsid bash -c 'nohup sleep ${marker} >/dev/null 2>&1 &'\nsleep 0.2\n${ok}`,
    });
    const outcome = await runSandboxed(job);
    expect(outcome.status).toBe('ok');
    expect(await survivorsOf(marker)).toEqual([]);
  });

  it('kills an infinite loop at its timeout, setsid children included, after the SIGTERM grace period', async () => {
    const marker = uniqueSleepSeconds();
    const job = scratch.job({
      sandbox: bubblewrap,
      timeoutMs: 700,
      killGraceMs: 1_500,
      command: `setsid sleep ${marker} &\ntrap 'echo graceful > term.txt; exit 143' TERM\nwhile :; do sleep 0.05; done`,
    });
    const outcome = await runSandboxed(job);
    expect(outcome).toMatchObject({ status: 'failed', reason: 'timeout' });
    expect(readFileSync(join(job.stepDir, 'term.txt'), 'utf8')).toBe('graceful\n');
    expect(await survivorsOf(marker)).toEqual([]);
  });

  it('cuts the network unless allowed', async () => {
    const isolated = await runSandboxed(scratch.job({ sandbox: bubblewrap, command: `${connect()}\n${ok}` }));
    expect(isolated.logs.stdoutTail).toBe('no network\n');
    const allowed = await runSandboxed(
      scratch.job({ sandbox: { ...bubblewrap, network: true }, command: `${connect()}\n${ok}` }),
    );
    expect(allowed.logs.stdoutTail).toBe('connected\n');
  });

  it('shows the experiment read-only without its config, database, best/ and other steps; only the step folder is writable', async () => {
    const job = scratch.job({ sandbox: bubblewrap });
    const experiment = job.experimentDir;
    writeFileSync(join(experiment, 'evaluator.txt'), 'evaluator file\n');
    writeFileSync(join(experiment, 'config.yaml'), 'api:\n  api_key: sk-config-canary-123\n');
    writeFileSync(join(experiment, 'asi-evolve.db'), 'scores');
    mkdirSync(join(experiment, 'best'), { recursive: true });
    writeFileSync(join(experiment, 'best', 'results.json'), '{"eval_score": 5}');
    mkdirSync(join(experiment, 'steps', 'step_other'), { recursive: true });
    writeFileSync(join(experiment, 'steps', 'step_other', 'results.json'), '{"eval_score": 7}');
    const command = [
      `cat ${experiment}/evaluator.txt`,
      `ls -A ${experiment} | sort | tr '\\n' ' '; echo`,
      `ls -A ${experiment}/steps | tr '\\n' ' '; echo`,
      `cat ${experiment}/config.yaml ${experiment}/asi-evolve.db 2>/dev/null || echo "hidden"`,
      `(echo 99 > ${experiment}/asi-evolve.db) 2>/dev/null || echo "db not writable"`,
      `(echo x > ${experiment}/new-file) 2>/dev/null || echo "experiment not writable"`,
      'echo home > "$HOME/home.txt" && echo tmp > "$TMPDIR/t" && echo tmp2 > /tmp/t && echo "step, HOME and TMPDIR writable"',
      'id -u',
      'echo "TMPDIR=$TMPDIR"',
      ok,
    ].join('\n');
    const outcome = await runSandboxed({ ...job, command });
    expect(outcome.status).toBe('ok');
    const lines = outcome.logs.stdoutTail.split('\n');
    expect(lines[0]).toBe('evaluator file');
    expect(lines[1]?.trim().split(' ')).toEqual(['evaluator.txt', 'steps']);
    expect(lines[2]?.trim()).toBe(job.stepDir.split('/').pop());
    expect(lines.slice(3, 7)).toEqual([
      'hidden',
      'db not writable',
      'experiment not writable',
      'step, HOME and TMPDIR writable',
    ]);
    const root = sandboxCapabilities().asRoot;
    expect(Number(lines[7])).toBe(root ? unprivilegedUser.uid : process.getuid?.());
    // TMPDIR is the sandbox's own /tmp: nothing is made in the step folder for it.
    expect(lines[8]).toBe('TMPDIR=/tmp');
    expect(existsSync(join(job.stepDir, 'tmp'))).toBe(false);
    expect(readFileSync(join(experiment, 'asi-evolve.db'), 'utf8')).toBe('scores');
    expect(existsSync(join(experiment, 'new-file'))).toBe(false);
    expect(readFileSync(join(job.stepDir, 'home.txt'), 'utf8')).toBe('home\n');
  });

  it('bounds a fork bomb by the process limit, and nothing survives', async () => {
    const marker = uniqueSleepSeconds();
    const bomb = [
      'import os, time',
      'forked = 0',
      'try:',
      '    for _ in range(400):',
      '        if os.fork() == 0:',
      `            time.sleep(${marker})`,
      '            os._exit(0)',
      '        forked += 1',
      'except OSError as error:',
      '    print("fork refused after", forked, "children:", error.strerror)',
    ].join('\n');
    const job = scratch.job({
      sandbox: bubblewrap,
      limits: { maxProcesses: 40 },
      command: `python3 -c '${bomb}'\n${ok}`,
    });
    const outcome = await runSandboxed(job);
    expect(outcome.status).toBe('ok');
    const forked = Number(/fork refused after (\d+) children/.exec(outcome.logs.stdoutTail)?.[1]);
    expect(forked).toBeGreaterThan(0);
    expect(forked).toBeLessThan(40);
    expect(await survivorsOf(marker)).toEqual([]);
  });

  it('makes the extra read paths visible', async () => {
    const shared = join(scratch.job({}).experimentDir, '..', `shared-${process.pid}`);
    mkdirSync(shared, { recursive: true });
    writeFileSync(join(shared, 'data.txt'), 'shared data\n');
    const hidden = await runSandboxed(
      scratch.job({ sandbox: bubblewrap, command: `cat ${shared}/data.txt 2>/dev/null || echo missing\n${ok}` }),
    );
    expect(hidden.logs.stdoutTail).toBe('missing\n');
    const shown = await runSandboxed(
      scratch.job({ sandbox: { ...bubblewrap, readPaths: [shared] }, command: `cat ${shared}/data.txt\n${ok}` }),
    );
    expect(shown.logs.stdoutTail).toBe('shared data\n');
  });
});

describe('runSandboxed under unshare', () => {
  it('contains a setsid daemon and cuts the network', async () => {
    const marker = uniqueSleepSeconds();
    const outcome = await runSandboxed(
      scratch.job({ sandbox: unshare, command: `setsid sleep ${marker} &\n${connect()}\n${ok}` }),
    );
    expect(outcome.status).toBe('ok');
    expect(outcome.logs.stdoutTail).toBe('no network\n');
    expect(await survivorsOf(marker)).toEqual([]);
  });
});

describe('runSandboxed under unshare, with best/ swapped by rename all the while', () => {
  // With a few entries the experiment folder is covered and nothing hidden is seen; with hundreds
  // of loose files its hidden entries are mounted over by path, which must not fail on one that
  // the swap renamed meanwhile.
  it.each([
    { entries: 'a few entries', looseFiles: 0 },
    { entries: '300 loose files', looseFiles: 300 },
  ])('sets up every time, with $entries, and shows no best/ where it can cover the folder', async ({ looseFiles }) => {
    // An experiment folder every user may pass: the sandbox then hides what it must by itself.
    const experimentDir = mkdtempSync(join(tmpdir(), 'asi-swapped-best-'));
    chmodSync(experimentDir, 0o755);
    mkdirSync(join(experimentDir, 'best'));
    for (let index = 0; index < looseFiles; index++) writeFileSync(join(experimentDir, `result-${index}.txt`), '');
    // As the run swaps best/ when it finds a new best (step-files.ts), but without a pause.
    const swapper = spawn(
      'bash',
      [
        '-c',
        'cd "$1"; while :; do mkdir best.tmp; mv best best.old; mv best.tmp best; rmdir best.old; done',
        'swap',
        experimentDir,
      ],
      { stdio: 'ignore', detached: true },
    );
    const swapperGone = new Promise((resolve) => swapper.once('exit', resolve));
    try {
      for (let step = 1; step <= 12; step++) {
        const job = scratch.job({
          sandbox: unshare,
          experimentDir,
          stepDir: join(experimentDir, 'steps', `step_${step}`),
          command: `ls -A "$ASI_EXPERIMENT_DIR" | grep -v '^result-' > seen\n${ok}`,
        });
        const outcome = await runSandboxed(job);
        expect({ step, status: outcome.status, stderr: outcome.logs.stderrTail }).toEqual({
          step,
          status: 'ok',
          stderr: '',
        });
        if (looseFiles === 0) expect(readFileSync(join(job.stepDir, 'seen'), 'utf8')).toBe('steps\n');
      }
    } finally {
      // Its whole group: a `mv` it started must not move anything while the folder is removed.
      process.kill(-(swapper.pid as number), 'SIGKILL');
      await swapperGone;
      rmSync(experimentDir, { recursive: true, force: true });
    }
  });
});

describe('runSandboxed: sandbox modes that are missing', () => {
  it('refuses a named mode this machine lacks, naming the key', async () => {
    const capabilities = {
      ...sandboxCapabilities(),
      isolation: { bubblewrap: false, unshare: false },
      bwrapPath: null,
    };
    const error = await runSandboxed(scratch.job({ sandbox: bubblewrap }), { capabilities }).catch(
      (caught: unknown) => caught,
    );
    expect(AsiEvolveError.isInstance(error) && error.key).toBe('evaluator.sandbox.mode');
    expect((error as Error).message).toContain('bwrap was not found');
  });

  it('falls back to a process group under auto', async () => {
    const capabilities = { ...sandboxCapabilities(), isolation: { bubblewrap: false, unshare: false } };
    const outcome = await runSandboxed(
      scratch.job({ sandbox: { ...bubblewrap, mode: 'auto' }, command: `${connect()}\n${ok}` }),
      { capabilities },
    );
    expect(outcome.logs.stdoutTail).toBe('connected\n');
  });
});
