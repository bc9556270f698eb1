import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFileSet } from '../../domain/index.js';
import type { EvaluationJob } from '../../evaluation/index.js';
import { createScratch, survivorsOf, uniqueSleepSeconds } from '../../evaluation/test-support/scratch.js';
import { rejectedAsiError } from '../../test-support/asi-error.js';
import { requires } from '../../test-support/requires.js';
import { runExecutorCases } from '../executor.case.test.js';
import { createSlurmExecutor, type SlurmExecutorOptions } from './index.js';
import { startSlurmCluster, type SlurmCluster } from './test-support/slurm-cluster.js';

// Jobs run evaluate-job from source (through tsx), so these tests never depend on a stale dist/.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const sourceRunner = [
  process.execPath,
  '--import',
  tsxLoader,
  fileURLToPath(new URL('./test-support/evaluate-job-from-source.ts', import.meta.url)),
];

const scratch = createScratch();
let cluster: SlurmCluster;
let workCounter = 0;

const needsSlurm = requires('slurm');
beforeAll(async () => {
  if (!needsSlurm.skip) cluster = await startSlurmCluster();
}, 90_000);

afterAll(async () => {
  await cluster?.stop();
  scratch.cleanup();
}, 60_000);

function executor(overrides: Partial<SlurmExecutorOptions> = {}) {
  workCounter += 1;
  return createSlurmExecutor({
    workDir: join(scratch.root, `work-${workCounter}`),
    env: cluster.env,
    partition: cluster.partition,
    runner: sourceRunner,
    pollIntervalMs: 250,
    outcomeGraceMs: 1000,
    ...overrides,
  });
}

const job = (overrides: Partial<EvaluationJob>): EvaluationJob =>
  scratch.job({ program: 'candidate\n', programFile: 'program.txt', ...overrides });

runExecutorCases('slurm', { create: () => executor(), job, requires: needsSlurm });

/** The step label the executor gives a scratch job (its folder is `steps/step_<n>`). */
const labelOf = (evaluation: EvaluationJob): string => basename(evaluation.stepDir).replace(/^step_/, '');

/** The one pending or running Slurm job of `evaluation` (a job of an earlier test may still be winding down). */
function activeJobOf(evaluation: EvaluationJob): string {
  const ids = cluster.activeJobIds(`asi-evolve-${labelOf(evaluation)}`);
  expect(ids).toHaveLength(1);
  return ids[0]!;
}

async function waitUntil(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${cluster.logTails()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The job descriptions the executor wrote, one per submission. */
function jobFilesIn(workDir: string): string[] {
  return readdirSync(workDir)
    .filter((name) => name.endsWith('.json') && !name.endsWith('.outcome.json'))
    .sort();
}

describe('createSlurmExecutor on a real one-node cluster', needsSlurm, () => {
  it('runs an evaluation as a Slurm job and returns its outcome, results and logs', async () => {
    const slurm = executor();
    expect(slurm.name).toBe('slurm');
    const evaluation = job({
      command:
        'echo "training on $(hostname)"; echo warn >&2; echo \'{"eval_score": 4.5, "accuracy": 0.9, "note": "fine"}\' > results.json',
    });
    const outcome = await slurm.run(evaluation);
    expect(outcome).toMatchObject({
      status: 'ok',
      evalScore: 4.5,
      results: { eval_score: 4.5, accuracy: 0.9, note: 'fine' },
    });
    expect(outcome.logs.stdoutTail).toContain('training on');
    expect(outcome.logs.stderrTail).toBe('warn\n');
    // The evaluation ran in its step folder, as runSandboxed does it on this machine.
    expect(readFileSync(join(evaluation.stepDir, 'program.txt'), 'utf8')).toBe('candidate\n');
    expect(JSON.parse(readFileSync(join(evaluation.stepDir, 'results.json'), 'utf8')).accuracy).toBe(0.9);
    const label = labelOf(evaluation);
    const workDir = join(scratch.root, `work-${workCounter}`);
    expect(jobFilesIn(workDir)).toEqual([`job-${label}-1.json`]);
    expect(JSON.parse(readFileSync(join(workDir, `job-${label}-1.json`), 'utf8'))).toEqual(evaluation);
    expect(readFileSync(join(workDir, `job-${label}-1.out`), 'utf8')).toContain('evaluate-job: ok, score 4.5');
    await slurm.close();
  });

  it("returns a failing evaluator's failure with its reason", async () => {
    const slurm = executor();
    const crashed = await slurm.run(job({ command: 'echo "loss is NaN" >&2; exit 3' }));
    expect(crashed).toMatchObject({ status: 'failed', reason: 'exit-code', exitCode: 3 });
    expect(crashed.logs.stderrTail).toContain('loss is NaN');
    const timedOut = await slurm.run(job({ command: 'sleep 30', timeoutMs: 1500, killGraceMs: 200 }));
    expect(timedOut).toMatchObject({ status: 'failed', reason: 'timeout' });
    await slurm.close();
  });

  it('resubmits a job cancelled from outside (preemption), and the next attempt scores', async () => {
    const marker = join(scratch.root, 'first-attempt-started');
    const slurm = executor();
    const workDir = join(scratch.root, `work-${workCounter}`);
    const evaluation = job({
      env: { ...scratch.job({}).env, MARKER: marker },
      command:
        'if [ -e "$MARKER" ]; then echo \'{"eval_score": 7}\' > results.json; else touch "$MARKER"; sleep 60; fi',
    });
    const outcome = slurm.run(evaluation);
    await waitUntil('the first attempt to start', () => existsSync(marker));
    const firstJob = activeJobOf(evaluation);
    cluster.cancel(firstJob);
    expect(await outcome).toMatchObject({ status: 'ok', evalScore: 7 });
    expect(cluster.jobState(firstJob)).toBe('CANCELLED');
    const label = labelOf(evaluation);
    expect(jobFilesIn(workDir)).toEqual([`job-${label}-1.json`, `job-${label}-2.json`]);
    await slurm.close();
  });

  it('gives up after max_retries with a lost outcome naming the job and its state', async () => {
    const marker = join(scratch.root, `started-${uniqueSleepSeconds()}`);
    const slurm = executor({ maxRetries: 0 });
    const evaluation = job({ env: { ...scratch.job({}).env, MARKER: marker }, command: 'touch "$MARKER"; sleep 60' });
    const outcome = slurm.run(evaluation);
    await waitUntil('the job to start', () => existsSync(marker));
    const jobId = activeJobOf(evaluation);
    cluster.cancel(jobId);
    expect(await outcome).toMatchObject({
      status: 'failed',
      reason: 'lost',
      shortMessage: `Slurm job ${jobId} CANCELLED, resubmitted 0 times`,
    });
    await slurm.close();
  });

  it('on abort, scancels the job, which leaves the queue, and resolves at once as aborted', async () => {
    const sleeper = uniqueSleepSeconds();
    const marker = join(scratch.root, `started-${sleeper}`);
    const slurm = executor();
    const controller = new AbortController();
    const evaluation = job({
      env: { ...scratch.job({}).env, MARKER: marker },
      command: `touch "$MARKER"; sleep ${sleeper}`,
    });
    const outcome = slurm.run(evaluation, { abortSignal: controller.signal });
    await waitUntil('the evaluation to start', () => existsSync(marker));
    const jobId = activeJobOf(evaluation);
    const abortedAt = Date.now();
    controller.abort();
    expect(await outcome).toMatchObject({ status: 'failed', reason: 'signal', shortMessage: 'aborted' });
    expect(Date.now() - abortedAt).toBeLessThan(2000);
    await waitUntil('the job to leave the queue', () => !cluster.activeJobIds().includes(jobId));
    expect(cluster.jobState(jobId)).toBe('CANCELLED');
    // evaluate-job took SIGTERM and ended the evaluation's process group.
    expect(await survivorsOf(sleeper, 5000)).toEqual([]);
    await slurm.close();
  });

  it('a multi-file job: resubmitted after a cancel from outside, each attempt builds its own workspace from the project, and none is left', async () => {
    const projectDir = join(scratch.root, `project-${uniqueSleepSeconds()}`);
    mkdirSync(projectDir);
    writeFileSync(join(projectDir, 'model.sh'), 'WEIGHT=1\n');
    writeFileSync(join(projectDir, 'run.sh'), '. ./model.sh; echo $WEIGHT\n');
    const marker = join(scratch.root, `multi-file-first-attempt-${uniqueSleepSeconds()}`);
    const slurm = executor();
    const evaluation = job({
      program: formatFileSet(new Map([['model.sh', 'WEIGHT=7\n']])),
      projectDir,
      env: { ...scratch.job({}).env, MARKER: marker },
      command: [
        'cd "$ASI_EVOLVE_WORKSPACE"',
        'if [ -e left-by-first-attempt ]; then echo stale > "$ASI_STEP_DIR/saw-first-attempt"; fi',
        'if [ ! -e "$MARKER" ]; then touch left-by-first-attempt "$MARKER"; sleep 60; fi',
        'echo "{\\"eval_score\\": $(bash run.sh)}" > "$ASI_STEP_DIR/results.json"',
      ].join('\n'),
    });
    const outcome = slurm.run(evaluation);
    await waitUntil('the first attempt to start', () => existsSync(marker));
    expect(existsSync(join(evaluation.stepDir, 'workspace', 'left-by-first-attempt'))).toBe(true);
    cluster.cancel(activeJobOf(evaluation));
    expect(await outcome).toMatchObject({ status: 'ok', evalScore: 7 });
    expect(existsSync(join(evaluation.stepDir, 'saw-first-attempt'))).toBe(false);
    expect(existsSync(join(evaluation.stepDir, 'workspace'))).toBe(false);
    expect(readFileSync(join(evaluation.stepDir, 'files', 'model.sh'), 'utf8')).toBe('WEIGHT=7\n');
    expect(readdirSync(projectDir).sort()).toEqual(['model.sh', 'run.sh']);
    expect(readFileSync(join(projectDir, 'model.sh'), 'utf8')).toBe('WEIGHT=1\n');
    await slurm.close();
  });

  it("returns a multi-file candidate whose files cannot be laid over the project as that candidate's failure", async () => {
    const projectDir = join(scratch.root, `project-refused-${uniqueSleepSeconds()}`);
    mkdirSync(join(projectDir, 'lib'), { recursive: true });
    writeFileSync(join(projectDir, 'lib', 'util.py'), 'X = 1\n');
    const slurm = executor();
    const outcome = await slurm.run(
      job({
        program: formatFileSet(new Map([['lib', 'not a folder\n']])),
        projectDir,
        command: 'touch ran; echo \'{"eval_score": 1}\' > results.json',
      }),
    );
    expect(outcome).toMatchObject({ status: 'failed', reason: 'bad-candidate' });
    expect(outcome.status === 'failed' && outcome.shortMessage).toContain("cannot write the candidate's lib");
    await slurm.close();
  });

  it('close() cancels every job in flight and waits', async () => {
    const slurm = executor();
    const evaluations = [job({ command: 'sleep 60' }), job({ command: 'sleep 60' })];
    const runs = evaluations.map((evaluation) => slurm.run(evaluation));
    const jobIdsOf = (): string[] =>
      evaluations.flatMap((evaluation) => cluster.activeJobIds(`asi-evolve-${labelOf(evaluation)}`));
    await waitUntil('both jobs to be queued', () => jobIdsOf().length === 2);
    await slurm.close();
    for (const outcome of await Promise.all(runs))
      expect(outcome).toMatchObject({ status: 'failed', shortMessage: 'aborted' });
    await waitUntil('both jobs to leave the queue', () => jobIdsOf().length === 0);
    const error = await rejectedAsiError(slurm.run(job({})));
    expect(error.code).toBe('EXECUTOR_UNAVAILABLE');
  });

  it('throws EXECUTOR_UNAVAILABLE naming the partition when sbatch refuses it', async () => {
    const slurm = executor({ partition: 'no-such-partition' });
    const error = await rejectedAsiError(slurm.run(job({})));
    expect(error.code).toBe('EXECUTOR_UNAVAILABLE');
    expect(error.message).toMatch(/sbatch failed \(exit code 1\): .*invalid partition.*no-such-partition/i);
    expect(error.hint).toContain('cluster.slurm');
    await slurm.close();
  });

  it('throws EXECUTOR_UNAVAILABLE with the job output when a compute node cannot run evaluate-job', async () => {
    const slurm = executor({ runner: ['/nonexistent/bin/node', '/nonexistent/asi-evolve.js'] });
    const error = await rejectedAsiError(slurm.run(job({})));
    expect(error.code).toBe('EXECUTOR_UNAVAILABLE');
    expect(error.message).toMatch(/Slurm job \d+ ended \(FAILED\) without writing .*outcome\.json.*No such file/);
    expect(error.hint).toContain('/nonexistent/bin/node');
    await slurm.close();
  });

  it("keeps the coordinator's environment from the job: only the job's env reaches the evaluation", async () => {
    const slurm = executor({ env: { ...cluster.env, ASI_TEST_SECRET: 'hunter2-coordinator-only' } });
    // Looks in the environment of the evaluation and of every process above it (evaluate-job, the batch script).
    const command = [
      'echo "allowed=$ALLOWED secret=${ASI_TEST_SECRET:-unset}"',
      'pid=$$; seen=0',
      'while [ "$pid" -gt 1 ]; do',
      '  if tr "\\0" "\\n" < /proc/$pid/environ 2>/dev/null | grep -q "^ASI_TEST_SECRET="; then seen=1; fi',
      '  pid=$(sed "s/.*) //" /proc/$pid/stat | cut -d" " -f2)',
      'done',
      'echo "ancestors_with_secret=$seen"',
      'echo \'{"eval_score": 1}\' > results.json',
    ].join('\n');
    const outcome = await slurm.run(job({ env: { ...scratch.job({}).env, ALLOWED: 'yes' }, command }));
    expect(outcome.status).toBe('ok');
    expect(outcome.logs.stdoutTail).toContain('allowed=yes secret=unset');
    expect(outcome.logs.stdoutTail).toContain('ancestors_with_secret=0');
    await slurm.close();
  });
});
