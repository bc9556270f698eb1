import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueueExecutor } from '../../src/cluster/index.js';
import { startRedisServer, type RedisServer } from '../../src/cluster/queue/test-support/redis-server.js';
import { formatFileSet, parseFileSet } from '../../src/domain/index.js';
import { buildEvaluatorEnv, type EvaluationJob, type EvaluationOutcome } from '../../src/evaluation/index.js';
import { requires } from '../../src/test-support/requires.js';
import { isRunning, readPids, survivorsOf, uniqueSleepSeconds } from '../../src/evaluation/test-support/scratch.js';
import {
  cliEnv,
  makeExperiment,
  makeTempDir,
  readStored,
  runCli,
  startCli,
  useE2eCleanup,
  waitFor,
  type CliProcess,
} from './helpers.js';
import {
  evaluatedFolders,
  expectMultiFileRun,
  makeMultiFileExperiment,
  multiFileLlm,
  projectDataBytes,
  projectOnlyMarker,
} from './multi-file-cluster.js';

useE2eCleanup();

const password = 'e2e-pa55word';
const secret = 'coordinator-secret-value';
const needsRedis = requires('redis');
let redis: RedisServer;
beforeAll(async () => {
  if (!needsRedis.skip) redis = await startRedisServer({ password });
});
afterAll(async () => {
  await redis?.stop();
});

let queueCount = 0;
function queueName(): string {
  queueCount += 1;
  return `e2e-${process.pid}-${queueCount}`;
}

/** `asi-evolve worker` in its own process, with the Redis password and a secret in its environment; resolves once it serves. */
async function startWorker(queue: string): Promise<CliProcess> {
  const worker = startCli(['worker', '--queue', queue], {
    env: cliEnv({ REDIS_URL: redis.url, ASI_TEST_SECRET: secret }),
    timeoutMs: 60_000,
  });
  await waitFor(
    () => worker.stdout().includes(`serving queue ${queue}`) || worker.child.exitCode !== null,
    'the worker to serve',
    20_000,
  );
  expect(worker.stderr()).toBe('');
  return worker;
}

/** An evaluation job in a fresh experiment folder, its environment built from this process's (which holds the secret). */
function jobIn(experimentDir: string, step: number, command: string): EvaluationJob {
  process.env.ASI_TEST_SECRET = secret;
  try {
    return {
      stepDir: join(experimentDir, 'steps', `step_${step}`),
      experimentDir,
      command,
      program: `score = ${step}\n`,
      programFile: 'program.txt',
      timeoutMs: 30_000,
      killGraceMs: 500,
      maxOutputBytes: 64 * 1024,
      limits: {},
      env: buildEvaluatorEnv(process.env, [], {}),
    };
  } finally {
    delete process.env.ASI_TEST_SECRET;
  }
}

/**
 * Queues `job` for a worker that is SIGKILLed once the job's first try has touched `first-try`
 * in its step folder (and `whileKilled` has looked at what it left); a second worker, started
 * before the kill, takes the job after the stall timeout. `marker`: the first try's sleep.
 */
async function killedAndRescued(
  job: EvaluationJob,
  marker: string,
  whileKilled: () => void = () => {},
): Promise<{ outcome: EvaluationOutcome; rescuer: CliProcess; waitedMs: number }> {
  const queue = queueName();
  const doomed = await startWorker(queue);
  const executor = createQueueExecutor({ redisUrl: redis.url, queueName: queue, maxRetries: 1, stallTimeoutMs: 2_000 });
  try {
    const running = executor.run(job);
    await waitFor(() => existsSync(join(job.stepDir, 'first-try')), 'the first try to start');
    const rescuer = await startWorker(queue);
    doomed.child.kill('SIGKILL');
    // The orphaned evaluation of the killed worker (no sandbox namespace here) is not part of the test.
    await survivorsOf(marker, 0);
    whileKilled();
    const started = Date.now();
    const outcome = await running;
    return { outcome, rescuer, waitedMs: Date.now() - started };
  } finally {
    await executor.close();
  }
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

describe('asi-evolve worker', needsRedis, () => {
  it('two workers share the jobs, each evaluated exactly once, and no secret reaches a candidate', async () => {
    const experimentDir = makeTempDir('asi-queue-');
    const counter = join(experimentDir, 'evaluated.log');
    const queue = queueName();
    const [first, second] = [await startWorker(queue), await startWorker(queue)];
    const executor = createQueueExecutor({
      redisUrl: redis.url,
      queueName: queue,
      maxRetries: 1,
      stallTimeoutMs: 5_000,
    });
    try {
      const command = `basename "$PWD" >> ${counter}; env > env.txt; sleep 0.3; echo "{\\"eval_score\\": $(basename "$PWD" | tr -dc 0-9)}" > results.json`;
      const outcomes = await Promise.all(
        [1, 2, 3, 4, 5, 6].map((step) => executor.run(jobIn(experimentDir, step, command))),
      );
      expect(outcomes.map((outcome) => outcome.status === 'ok' && outcome.evalScore)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(lines(readFileSync(counter, 'utf8')).sort()).toEqual([
        'step_1',
        'step_2',
        'step_3',
        'step_4',
        'step_5',
        'step_6',
      ]);

      const served = [first, second].map((worker) =>
        lines(worker.stdout()).filter((line) => /^steps\/step_\d: ok, score/.test(line)),
      );
      expect(served[0]!.length).toBeGreaterThan(0);
      expect(served[1]!.length).toBeGreaterThan(0);
      expect(served[0]!.length + served[1]!.length).toBe(6);

      for (const step of [1, 2, 3, 4, 5, 6]) {
        const env = readFileSync(join(experimentDir, 'steps', `step_${step}`, 'env.txt'), 'utf8');
        expect(env).toContain('ASI_STEP_DIR=');
        expect(env).not.toContain(secret);
        expect(env).not.toContain(password);
        expect(env).not.toContain('REDIS_URL');
      }
      for (const worker of [first, second]) expect(worker.stdout()).not.toContain(password);
    } finally {
      await executor.close();
    }
  });

  it('a worker killed mid-evaluation: another worker takes the job after the stall timeout and finishes it', async () => {
    const experimentDir = makeTempDir('asi-queue-');
    const counter = join(experimentDir, 'tries.log');
    const marker = uniqueSleepSeconds();
    // The first try hangs (its worker is killed under it); the second finishes at once.
    const command = `echo try >> ${counter}; if [ ! -e first-try ]; then touch first-try; exec sleep ${marker}; fi; echo '{"eval_score": 3}' > results.json`;
    const { outcome, rescuer, waitedMs } = await killedAndRescued(jobIn(experimentDir, 1, command), marker);
    expect(outcome).toMatchObject({ status: 'ok', evalScore: 3 });
    expect(waitedMs).toBeGreaterThan(1_000);
    expect(lines(readFileSync(counter, 'utf8'))).toEqual(['try', 'try']);
    expect(rescuer.stdout()).toMatch(/^steps\/step_1: ok, score 3\.000000, \d+\.\d s$/m);
  });

  it("a worker killed mid multi-file evaluation leaves its workspace; the next worker's try builds a fresh one and removes it", async () => {
    const experimentDir = makeTempDir('asi-queue-');
    const projectDir = join(experimentDir, 'project');
    mkdirSync(projectDir);
    writeFileSync(join(projectDir, 'model.sh'), 'WEIGHT=1\n');
    writeFileSync(join(projectDir, 'run.sh'), '. ./model.sh; echo $WEIGHT\n');
    const marker = uniqueSleepSeconds();
    // The first try leaves a file in its workspace and hangs (its worker is killed under it).
    const command = [
      'ws="$ASI_EVOLVE_WORKSPACE"',
      'if [ -e "$ws/left-by-first-try" ]; then touch saw-first-try; fi',
      `if [ ! -e first-try ]; then touch first-try "$ws/left-by-first-try"; exec sleep ${marker}; fi`,
      'echo "{\\"eval_score\\": $(cd "$ws" && bash run.sh)}" > results.json',
    ].join('\n');
    const job = {
      ...jobIn(experimentDir, 1, command),
      program: formatFileSet(new Map([['model.sh', 'WEIGHT=4\n']])),
      projectDir,
    };
    const workspace = join(job.stepDir, 'workspace');
    const { outcome, rescuer } = await killedAndRescued(job, marker, () =>
      expect(existsSync(join(workspace, 'left-by-first-try'))).toBe(true),
    );
    expect(outcome).toMatchObject({ status: 'ok', evalScore: 4 });
    expect(rescuer.stdout()).toMatch(/^steps\/step_1: ok, score 4\.000000/m);
    expect(existsSync(join(job.stepDir, 'saw-first-try'))).toBe(false);
    expect(existsSync(workspace)).toBe(false);
    expect(readFileSync(join(projectDir, 'model.sh'), 'utf8')).toBe('WEIGHT=1\n');
  });

  it('Ctrl-C ends the running evaluation, hands its job back untried and exits 0', async () => {
    const experimentDir = makeTempDir('asi-queue-');
    const queue = queueName();
    const stopping = await startWorker(queue);
    // max_retries 0: the job still succeeds, so handing it back did not count as a try.
    const executor = createQueueExecutor({
      redisUrl: redis.url,
      queueName: queue,
      maxRetries: 0,
      stallTimeoutMs: 2_000,
    });
    try {
      const command = `if [ ! -e first-try ]; then echo $$ > first-try; while :; do sleep 0.05; done; fi; echo '{"eval_score": 5}' > results.json`;
      const running = executor.run(jobIn(experimentDir, 1, command));
      const pidFile = join(experimentDir, 'steps', 'step_1', 'first-try');
      await waitFor(
        () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'),
        'the first try to start',
      );
      stopping.child.kill('SIGINT');
      const stopped = await stopping.done;
      expect(stopped.code).toBe(0);
      expect(stopped.stdout).toContain('steps/step_1: stopped and handed back to the queue');
      expect(stopped.stdout).toContain('Worker stopped.');
      expect(isRunning(readPids(pidFile)[0]!)).toBe(false);

      const next = await startWorker(queue);
      expect(await running).toMatchObject({ status: 'ok', evalScore: 5 });
      expect(next.stdout()).toContain('steps/step_1: ok, score 5.000000');
    } finally {
      await executor.close();
    }
  });

  it('exits 1 naming the redacted URL when Redis cannot be reached', async () => {
    const result = await runCli([
      'worker',
      '--queue',
      'q',
      '--redis',
      `redis://:${password}@127.0.0.1:${redis.port + 1}`,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Could not reach Redis at redis://[redacted]@127.0.0.1:${redis.port + 1}`);
    expect(result.stderr + result.stdout).not.toContain(password);
  });
});

describe('asi-evolve run with cluster.executor: queue', needsRedis, () => {
  it('sends every evaluation to the worker, and the run completes', async () => {
    const queue = queueName();
    const dir = makeExperiment({
      initialProgram: 'score = 1.0\n',
      config: {
        cluster: { executor: 'queue', queue: { redis_url: redis.url, name: queue, stall_timeout: 5 } },
        evaluator: { sandbox: { mode: 'none' }, reproduce: { count: 0 } },
      },
    });
    const worker = await startWorker(queue);
    const run = await runCli(['run', dir, '--steps', '3'], { env: cliEnv({ ASI_TEST_SECRET: secret }) });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain(password);

    const { nodes } = readStored(dir);
    expect(nodes.map((node) => node.step)).toEqual([0, 1, 2, 3]);
    expect(nodes.every((node) => node.success)).toBe(true);
    const served = lines(worker.stdout()).filter((line) => /^steps\/step_\d: /.test(line));
    expect(served.map((line) => line.split(':')[0])).toEqual([
      'steps/step_0',
      'steps/step_1',
      'steps/step_2',
      'steps/step_3',
    ]);
    expect(served.every((line) => line.includes(': ok, score'))).toBe(true);
  });
});

/** The data of every evaluation job still kept in Redis for `queue` (finished jobs are kept an hour). */
async function queuedJobData(queue: string): Promise<string[]> {
  const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    const keys = await client.keys(`bull:${queue}:*`);
    const data: string[] = [];
    for (const key of keys.sort()) {
      if ((await client.type(key)) !== 'hash') continue;
      const value = await client.hget(key, 'data');
      if (value !== null) data.push(value);
    }
    return data;
  } finally {
    client.disconnect();
  }
}

describe('a multi-file experiment with cluster.executor: queue', needsRedis, () => {
  it("the worker receives the bundle and the project path, builds each stage's workspace where it runs and removes it; no secret reaches the candidate", async () => {
    const queue = queueName();
    const dir = makeMultiFileExperiment(await multiFileLlm(), {
      executor: 'queue',
      queue: { redis_url: redis.url, name: queue, stall_timeout: 5 },
    });
    const worker = await startWorker(queue);
    const run = await runCli(['run', dir, '--steps', '1'], {
      env: cliEnv({ ASI_TEST_SECRET: secret }),
      timeoutMs: 120_000,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expectMultiFileRun(dir, [secret, password, 'REDIS_URL']);

    // Each stage of each evaluation was one job served by the worker process.
    const served = lines(worker.stdout())
      .filter((line) => /^steps\/step_/.test(line))
      .map((line) => line.split(':')[0]!.replace('steps/', ''));
    expect(served).toEqual(evaluatedFolders.flatMap((folder) => [folder, folder]));

    // A job carries the candidate's files and the project's path, never the project's other files.
    const jobs = (await queuedJobData(queue)).map((text) => ({ text, data: JSON.parse(text) }));
    expect(jobs).toHaveLength(8);
    for (const { text, data } of jobs) {
      expect(Object.keys(data).sort()).toEqual(['evaluation', 'maxRetries', 'protocol', 'stallTimeoutMs']);
      expect(data.evaluation.projectDir).toBe(join(dir, 'project'));
      expect([...parseFileSet(data.evaluation.program)!.keys()]).toEqual(
        data.evaluation.stepDir.includes('step_1')
          ? ['lib/__init__.sh', 'lib/bonus.sh', 'model.sh']
          : ['lib/__init__.sh', 'model.sh'],
      );
      expect(text).not.toContain(projectOnlyMarker);
      expect(text).not.toContain('candidate-env.txt');
      expect(text).not.toContain(secret);
      expect(text.length).toBeLessThan(projectDataBytes / 16);
    }
  }, 150_000);
});
