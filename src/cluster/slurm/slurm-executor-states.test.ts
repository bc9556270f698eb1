import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EvaluationJob, EvaluationOutcome } from '../../evaluation/index.js';
import { createScratch } from '../../evaluation/test-support/scratch.js';
import { rejectedAsiError } from '../../test-support/asi-error.js';
import { createSlurmExecutor, type SlurmExecutorOptions } from './index.js';

// What a one-node test cluster cannot produce on demand (a node failure, a controller that
// forgets jobs, no controller at all): Slurm client commands played by scripts whose answers
// the test sets in files under $SLURM_FAKE_DIR (a SLURM_ name, so it reaches sbatch). The real
// daemons are in slurm-executor.test.ts.
const scratch = createScratch();
afterAll(() => scratch.cleanup());

const fakeCommands: Record<string, string> = {
  sbatch: `exec 9>"$SLURM_FAKE_DIR/lock"; flock 9
n=$(( $(cat "$SLURM_FAKE_DIR/next-id" 2>/dev/null || echo 100) + 1 )); echo $n > "$SLURM_FAKE_DIR/next-id"
echo "$n" > "$SLURM_FAKE_DIR/submitted-$n"; [ -e "$SLURM_FAKE_DIR/forgetful" ] || echo PENDING > "$SLURM_FAKE_DIR/state-$n"; echo "$n"`,
  squeue: `echo "$*" >> "$SLURM_FAKE_DIR/squeue.log"
if [ -e "$SLURM_FAKE_DIR/controller-down" ]; then echo "slurm_load_jobs error: Unable to contact slurm controller (connect failure)" >&2; exit 1; fi
ids=$(printf '%s\\n' "$@" | sed -n 's/^--jobs=//p' | tr ',' ' '); found=0
for id in $ids; do if [ -e "$SLURM_FAKE_DIR/state-$id" ]; then echo "$id|$(cat "$SLURM_FAKE_DIR/state-$id")"; found=1; fi; done
if [ $found = 0 ]; then echo "slurm_load_jobs error: Invalid job id specified" >&2; exit 1; fi`,
  sacct: `echo "$*" >> "$SLURM_FAKE_DIR/sacct.log"
if [ -e "$SLURM_FAKE_DIR/no-accounting" ]; then echo "Slurm accounting storage is disabled"; exit 1; fi
ids=$(printf '%s\\n' "$@" | sed -n 's/^--jobs=//p' | tr ',' ' ')
for id in $ids; do if [ -e "$SLURM_FAKE_DIR/sacct-$id" ]; then echo "$id|$(cat "$SLURM_FAKE_DIR/sacct-$id")"; fi; done`,
  scancel: `echo "$*" >> "$SLURM_FAKE_DIR/scancel.log"`,
};

let fakeCounter = 0;
function fakeSlurm() {
  fakeCounter += 1;
  const root = join(scratch.root, `fake-${fakeCounter}`);
  const bin = join(root, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const [name, body] of Object.entries(fakeCommands)) {
    writeFileSync(join(bin, name), `#!/bin/bash\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  const workDir = join(root, 'work');
  const file = (name: string): string => join(root, name);
  return {
    workDir,
    env: { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`, SLURM_FAKE_DIR: root },
    setState: (jobId: number, state: string | null) =>
      state === null ? rmSync(file(`state-${jobId}`), { force: true }) : writeFileSync(file(`state-${jobId}`), state),
    setAccounting: (jobId: number, state: string) => writeFileSync(file(`sacct-${jobId}`), state),
    disableAccounting: () => writeFileSync(file('no-accounting'), ''),
    /** The controller forgets every job as soon as it is submitted. */
    forgetJobs: () => writeFileSync(file('forgetful'), ''),
    controllerDown: () => writeFileSync(file('controller-down'), ''),
    submitted: (jobId: number) => existsSync(file(`submitted-${jobId}`)),
    log: (command: string): string[] =>
      existsSync(file(`${command}.log`))
        ? readFileSync(file(`${command}.log`), 'utf8')
            .trim()
            .split('\n')
        : [],
    /** What evaluate-job would write for submission `attempt` of step `label`. */
    writeOutcome: (label: string, attempt: number, outcome: EvaluationOutcome) =>
      writeFileSync(join(workDir, `job-${label}-${attempt}.outcome.json`), JSON.stringify(outcome)),
  };
}

const scored = (score: number): EvaluationOutcome => ({
  status: 'ok',
  results: { eval_score: score },
  evalScore: score,
  durationMs: 5,
  logs: { stdoutTail: '', stderrTail: '', truncated: false },
});

function setup(overrides: Partial<SlurmExecutorOptions> = {}) {
  const fake = fakeSlurm();
  const executor = createSlurmExecutor({
    workDir: fake.workDir,
    env: fake.env,
    pollIntervalMs: 50,
    outcomeGraceMs: 300,
    ...overrides,
  });
  return { fake, executor };
}

const stepJob = (step: number): EvaluationJob => scratch.job({ stepDir: join(scratch.root, 'steps', `step_${step}`) });

async function waitUntil(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('createSlurmExecutor: job states', () => {
  it("says once, with squeue's reason, when a job stays pending, and goes on when it runs", async () => {
    const notices: string[] = [];
    const { fake, executor } = setup({ notify: (message) => notices.push(message), pendingNoticeMs: 200 });
    const outcome = executor.run(stepJob(7));
    await waitUntil('the submission', () => fake.submitted(101));
    fake.setState(101, 'PENDING|QOSMaxJobsPerUserLimit');
    await waitUntil('the pending notice', () => notices.length > 0);
    expect(notices).toEqual([
      'step_7: Slurm job 101 has been pending for 0 min (squeue: QOSMaxJobsPerUserLimit); the run waits for it',
    ]);
    fake.setState(101, 'RUNNING');
    fake.writeOutcome('7', 1, scored(2));
    expect(await outcome).toEqual(scored(2));
    expect(notices).toHaveLength(1);
    expect(fake.log('squeue')[0]).toContain('--format=%i|%T|%r');
    await executor.close();
  });

  it('resubmits a job that only sacct still knows, as NODE_FAIL, and takes the next attempt’s outcome', async () => {
    const { fake, executor } = setup();
    const outcome = executor.run(stepJob(1));
    await waitUntil('the first submission', () => fake.submitted(101));
    fake.setAccounting(101, 'NODE_FAIL');
    fake.setState(101, null);
    await waitUntil('the resubmission', () => fake.submitted(102));
    fake.setState(102, 'RUNNING');
    fake.writeOutcome('1', 2, scored(3));
    expect(await outcome).toEqual(scored(3));
    expect(fake.log('sacct').some((line) => line.includes('--jobs=101'))).toBe(true);
    await executor.close();
  });

  it('calls a job lost when squeue and sacct forget it without an outcome, and stops asking sacct where there is no accounting', async () => {
    const { fake, executor } = setup({ maxRetries: 1 });
    fake.disableAccounting();
    fake.forgetJobs();
    const outcome = await executor.run(stepJob(2));
    expect(outcome).toMatchObject({
      status: 'failed',
      reason: 'lost',
      shortMessage: 'Slurm job 102 vanished from squeue and sacct, resubmitted 1 time',
    });
    expect(fake.log('sacct')).toHaveLength(1);
    await executor.close();
  });

  it('waits for an outcome that shows up late, as on a shared filesystem', async () => {
    const { fake, executor } = setup({ outcomeGraceMs: 5000 });
    const outcome = executor.run(stepJob(3));
    await waitUntil('the submission', () => fake.submitted(101));
    fake.setState(101, 'COMPLETED');
    await waitUntil('a few polls', () => fake.log('squeue').length >= 4);
    fake.writeOutcome('3', 1, scored(9));
    expect(await outcome).toEqual(scored(9));
    await executor.close();
  });

  it('watches all jobs in flight with one squeue call per poll', async () => {
    const { fake, executor } = setup();
    const runs = [4, 5, 6].map((step) => executor.run(stepJob(step)));
    await waitUntil('three submissions', () => fake.submitted(103));
    for (const id of [101, 102, 103]) fake.setState(id, 'RUNNING');
    // The three sbatch calls race, so the jobs are watched in the order their submissions returned.
    const pollsAllThree = (line: string) =>
      /--jobs=(\S+)/.exec(line)?.[1]?.split(',').sort().join(',') === '101,102,103';
    await waitUntil('a poll of all three', () => fake.log('squeue').some(pollsAllThree));
    [4, 5, 6].forEach((step) => fake.writeOutcome(String(step), 1, scored(step)));
    expect((await Promise.all(runs)).map((outcome) => outcome.status === 'ok' && outcome.evalScore)).toEqual([4, 5, 6]);
    await executor.close();
  });

  it('fails the runs with EXECUTOR_UNAVAILABLE once the controller stays unreachable', async () => {
    const { fake, executor } = setup({ controllerTimeoutMs: 300 });
    const outcome = executor.run(stepJob(7));
    await waitUntil('the submission', () => fake.submitted(101));
    fake.controllerDown();
    const error = await rejectedAsiError(outcome);
    expect(error.code).toBe('EXECUTOR_UNAVAILABLE');
    expect(error.message).toMatch(
      /Slurm stopped answering for \d+ s: squeue failed \(exit code 1\): .*Unable to contact slurm controller/,
    );
    await executor.close();
  });

  it('rejects options that are not usable', () => {
    expect(() => createSlurmExecutor({ workDir: '' })).toThrow(/workDir/);
    expect(() => createSlurmExecutor({ workDir: '/w', maxRetries: 1.5 })).toThrow(/maxRetries/);
    expect(() => createSlurmExecutor({ workDir: '/w', pollIntervalMs: 0 })).toThrow(/pollIntervalMs/);
    expect(() => createSlurmExecutor({ workDir: '/w', runner: [] })).toThrow(/runner/);
  });
});
