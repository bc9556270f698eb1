import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { requires } from '../test-support/requires.js';
import type { EvaluationJob, EvaluationOutcome } from './outcome.js';
import { runSandboxed, warmSandbox, type WarmSandbox } from './sandbox.js';
import {
  createScratch,
  processesWithArgument,
  sandboxModesHere,
  startHolder,
  survivorsOf,
  uniqueSleepSeconds,
} from './test-support/scratch.js';

const scratch = createScratch();
afterAll(() => scratch.cleanup());

/** The isolating modes of this machine: the only ones a sandbox is started warm in. */
const isolating = sandboxModesHere().filter((mode) => mode !== 'none');

function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

function withoutProgram(job: EvaluationJob): Omit<EvaluationJob, 'program'> {
  const { program: _program, ...rest } = job;
  return rest;
}

/** Starts `job`'s sandbox warm; fails the test where it would not be. */
function warmed(job: EvaluationJob): WarmSandbox {
  const warm = warmSandbox(withoutProgram(job));
  if (warm === null) throw new Error(`Expected a warm sandbox for mode ${job.sandbox?.mode}`);
  return warm;
}

/** What a run's outcome is, its duration aside (it differs from run to run). */
function comparable(outcome: EvaluationOutcome): Omit<EvaluationOutcome, 'durationMs'> {
  const { durationMs: _durationMs, ...rest } = outcome;
  return rest;
}

/** The processes of a sandbox started for a command that mentions `marker`, once they are up. */
async function waitForProcesses(marker: string): Promise<number[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const found = processesWithArgument(marker);
    if (found.length > 0 || Date.now() > deadline) return found;
    await delay(20);
  }
}

/**
 * The evaluator's shell of a sandbox started for a command that mentions `marker`, once its set-up
 * is done (the set-up's own processes carry the command too, as an argument).
 */
async function waitForEvaluatorShell(marker: string): Promise<number[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const found = processesWithArgument(marker).filter((pid) => {
      const argv = argvOf(pid);
      return argv !== null && /(^|\/)bash$/.test(argv[0] ?? '') && !argv.includes('asi-evolve-sandbox');
    });
    if (found.length > 0 || Date.now() > deadline) return found;
    await delay(20);
  }
}

/** The command line of a process, or null once it is gone. */
function argvOf(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return null;
  }
}

/** The first process whose command line (as a list) passes `test`, once there is one. */
async function waitForProcess(marker: string, test: (argv: string[]) => boolean): Promise<number | null> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    for (const pid of processesWithArgument(marker)) {
      const argv = argvOf(pid);
      if (argv !== null && test(argv)) return pid;
    }
    await delay(10);
  }
  return null;
}

describe.each(isolating)('a warm sandbox, mode %s', (mode) => {
  const options = mode === 'bubblewrap' ? requires('bubblewrap') : {};
  const job = (overrides: Partial<EvaluationJob>): EvaluationJob =>
    scratch.job({ sandbox: { mode, network: false, readPaths: [] }, ...overrides });

  /** The outcome of `overrides` run warm, then of the same job run cold (in the same step folder). */
  async function warmAndCold(
    overrides: Partial<EvaluationJob>,
  ): Promise<{ warm: EvaluationOutcome; cold: EvaluationOutcome }> {
    const warmJob = job(overrides);
    const warm = warmed(warmJob);
    await delay(100);
    const warmOutcome = await runSandboxed(warmJob, { warm });
    const coldOutcome = await runSandboxed(warmJob);
    return { warm: warmOutcome, cold: coldOutcome };
  }

  it('gives what a cold start gives: success, failing exit, missing results, syntax errors', options, async () => {
    const commands = [
      `echo "ran $(wc -c < "$1")" ; echo '{"eval_score": 2, "success": true}' > results.json`,
      'echo oops >&2; exit 3',
      'echo no results',
      'if then fi',
      'echo first\nif then',
      'cat; read -r line && echo "read $line"; echo \'{"eval_score": 1}\' > results.json',
      'echo "level ${SHLVL:-unset}"; echo \'{"eval_score": 1}\' > results.json',
    ];
    for (const command of commands) {
      const { warm, cold } = await warmAndCold({ command });
      expect({ command, outcome: comparable(warm) }).toEqual({ command, outcome: comparable(cold) });
    }
  });

  it('sets the resource limits a cold start sets, and hides how it set them', options, async () => {
    const limits = { memoryBytes: 3 * 2 ** 30, cpuSeconds: 40, fileSizeBytes: 300 * 2 ** 20, maxProcesses: 300 };
    const command = [
      'echo "soft $(ulimit -S -v) $(ulimit -S -t) $(ulimit -S -f) $(ulimit -S -u) $(ulimit -S -c)"',
      'echo "hard $(ulimit -H -v) $(ulimit -H -t) $(ulimit -H -f) $(ulimit -H -u) $(ulimit -H -c)"',
      'echo "gate ${ASI_EVOLVE_GATE_LIMITS-unset} $(declare -F | wc -l)"',
      `echo '{"eval_score": 1}' > results.json`,
    ].join('; ');
    const { warm, cold } = await warmAndCold({ command, limits });
    expect(comparable(warm)).toEqual(comparable(cold));
    expect(warm.logs?.stdoutTail).toBe('soft 3145728 40 307200 300 0\nhard 3145728 41 307200 300 0\ngate unset 0\n');
    // A size that is not whole KiB, which ulimit cannot express, is set as a cold start sets it.
    const odd = await warmAndCold({ command, limits: { fileSizeBytes: 300 * 2 ** 20 + 1 } });
    expect(comparable(odd.warm)).toEqual(comparable(odd.cold));
  });

  it(
    'starts cold where its shell cannot set a limit (a hard limit below it), as a cold start would',
    options,
    async () => {
      const holder = join(scratch.root, `limits-${mode}.mts`);
      const sandboxModule = fileURLToPath(new URL('./sandbox.ts', import.meta.url));
      const evaluation = job({
        command: `echo "f $(ulimit -S -f) $(ulimit -H -f)"; echo '{"eval_score": 1}' > results.json`,
        limits: { fileSizeBytes: 2 * 2 ** 20 },
      });
      writeFileSync(
        holder,
        [
          `import { runSandboxed, warmSandbox } from ${JSON.stringify(sandboxModule)};`,
          `const job = ${JSON.stringify(evaluation)};`,
          'const { program: _program, ...shape } = job;',
          'const warm = warmSandbox(shape);',
          'await new Promise((resolve) => setTimeout(resolve, 100));',
          'const strip = ({ durationMs: _d, ...rest }) => rest;',
          'const warmOutcome = await runSandboxed(job, { warm: warm ?? undefined });',
          'const coldOutcome = await runSandboxed(job);',
          'process.stdout.write(JSON.stringify({ warmed: warm !== null, warm: strip(warmOutcome), cold: strip(coldOutcome) }));',
        ].join('\n'),
      );
      // The holder's hard file-size limit is 1 MiB: the evaluator's shell, unprivileged, cannot raise it to 2.
      const ran = spawnSync('bash', ['-c', 'ulimit -f 1024 && exec "$0" --import tsx "$1"', process.execPath, holder], {
        encoding: 'utf8',
      });
      expect(ran.status, ran.stderr).toBe(0);
      const { warmed: wasWarmed, warm, cold } = JSON.parse(ran.stdout) as Record<string, unknown>;
      expect(wasWarmed).toBe(true);
      expect(warm).toEqual(cold);
    },
  );

  it('runs the evaluator in the shell it started, which waited for the release', options, async () => {
    const marker = uniqueSleepSeconds();
    const evaluation = job({ command: `: ${marker}\ntouch ran\nsleep 0.5\necho '{"eval_score": 1}' > results.json` });
    const warm = warmed(evaluation);
    // The evaluator's own shell, waiting in the gate (BASH_ENV) before its command.
    const waiting = await waitForProcess(marker, (argv) => argv[1] === '-c' && argv[3] === 'asi-evolve-eval');
    expect(waiting).not.toBeNull();
    await delay(200);
    expect(existsSync(join(evaluation.stepDir, 'ran'))).toBe(false);
    const running = runSandboxed(evaluation, { warm });
    const evaluator = await waitForProcess(
      marker,
      (argv) => argv[1] === '-c' && argv[3] === 'asi-evolve-eval' && existsSync(join(evaluation.stepDir, 'ran')),
    );
    expect(evaluator).toBe(waiting);
    expect(await running).toMatchObject({ status: 'ok' });
  });

  it.each([
    ['BASH_ENV', '/dev/null'],
    ['POSIXLY_CORRECT', '1'],
    ['SHELLOPTS', 'posix'],
    ['SHLVL', 'x'],
    ['ASI_EVOLVE_GATE_LIMITS', '-v 1'],
  ])(
    'is not started for a job whose environment sets %s (the gate could not be read first, or would change it)',
    (name, value) => {
      const evaluation = job({});
      expect(warmSandbox(withoutProgram({ ...evaluation, env: { ...evaluation.env, [name]: value } }))).toBeNull();
    },
  );

  it('sees the program written after it was started', options, async () => {
    const evaluation = job({
      command: 'cp "$1" seen.py; cp code seen-code; echo \'{"eval_score": 1}\' > results.json',
    });
    const warm = warmed(evaluation);
    await delay(100);
    expect((await runSandboxed(evaluation, { warm })).status).toBe('ok');
    expect(readFileSync(join(evaluation.stepDir, 'seen.py'), 'utf8')).toBe(evaluation.program);
    expect(readFileSync(join(evaluation.stepDir, 'seen-code'), 'utf8')).toBe(evaluation.program);
  });

  it('counts the time limit from the release, not from its start', options, async () => {
    const fast = job({ timeoutMs: 300 });
    const warm = warmed(fast);
    await delay(700);
    expect(await runSandboxed(fast, { warm })).toMatchObject({ status: 'ok' });
    const slow = job({ timeoutMs: 300, command: 'sleep 5' });
    const warmSlow = warmed(slow);
    const outcome = await runSandboxed(slow, { warm: warmSlow });
    expect(outcome).toMatchObject({ status: 'failed', reason: 'timeout' });
    expect(outcome.durationMs).toBeLessThan(3_000);
  });

  it('runs nothing when aborted before its release, and ends', options, async () => {
    const marker = uniqueSleepSeconds();
    const evaluation = job({ command: `touch ran; sleep ${marker}` });
    const warm = warmed(evaluation);
    expect(await waitForProcesses(marker)).not.toEqual([]);
    const outcome = await runSandboxed(evaluation, { abortSignal: AbortSignal.abort(), warm });
    expect(outcome).toMatchObject({ status: 'failed', reason: 'signal', shortMessage: 'aborted' });
    await warm.discard();
    expect(await survivorsOf(marker, 0)).toEqual([]);
    expect(existsSync(join(evaluation.stepDir, 'ran'))).toBe(false);
  });

  it('is ended by an abort after its release', options, async () => {
    const marker = uniqueSleepSeconds();
    const evaluation = job({ command: `echo started; sleep ${marker}` });
    const warm = warmed(evaluation);
    const controller = new AbortController();
    const running = runSandboxed(evaluation, { abortSignal: controller.signal, warm });
    await waitForProcesses(`sleep ${marker}`);
    await delay(100);
    controller.abort();
    expect(await running).toMatchObject({ status: 'failed', reason: 'signal', shortMessage: 'aborted' });
    expect(await survivorsOf(marker, 0)).toEqual([]);
  });

  it('falls back to a cold start for another job, and ends the warm one', options, async () => {
    const marker = uniqueSleepSeconds();
    const first = job({ command: `touch warm-ran; : ${marker}; echo '{"eval_score": 1}' > results.json` });
    const warm = warmed(first);
    expect(await waitForProcesses(marker)).not.toEqual([]);
    const other = { ...first, command: `touch cold-ran; echo '{"eval_score": 3}' > results.json` };
    expect(await runSandboxed(other, { warm })).toMatchObject({ status: 'ok', evalScore: 3 });
    expect(existsSync(join(first.stepDir, 'cold-ran'))).toBe(true);
    expect(existsSync(join(first.stepDir, 'warm-ran'))).toBe(false);
    await warm.discard();
    expect(await survivorsOf(marker, 0)).toEqual([]);
    // Spent: offered again, it only starts the run cold.
    expect(await runSandboxed(first, { warm })).toMatchObject({ status: 'ok', evalScore: 1 });
  });

  it(
    'keeps best/, the database and the config out of sight when they are made or swapped in after its start',
    options,
    async () => {
      // Its own experiment folder, which every user may pass (the scratch folder may not: a
      // sandbox that drops to another user then covers it whole and shows only what it needs).
      const experimentDir = mkdtempSync(join(tmpdir(), `asi-warm-experiment-${mode}-`));
      chmodSync(experimentDir, 0o755);
      onTestFinished(() => rmSync(experimentDir, { recursive: true, force: true }));
      mkdirSync(join(experimentDir, 'best'));
      writeFileSync(join(experimentDir, 'best', 'code'), 'the old best\n');
      writeFileSync(join(experimentDir, 'input.md'), 'the task\n');
      const marker = uniqueSleepSeconds();
      const evaluation = job({
        experimentDir,
        stepDir: join(experimentDir, 'steps', 'step_1'),
        command: [
          `: ${marker}`,
          'ls -A "$ASI_EXPERIMENT_DIR" > seen',
          'cat "$ASI_EXPERIMENT_DIR"/best/code "$ASI_EXPERIMENT_DIR"/config.yaml >> seen 2>/dev/null',
          'echo \'{"eval_score": 1}\' > results.json',
        ].join('\n'),
      });
      const warm = warmed(evaluation);
      expect(await waitForEvaluatorShell(marker)).not.toEqual([]);
      // As the run swaps best/ for a new best (step-files.ts), and a user adds files meanwhile.
      mkdirSync(join(experimentDir, 'best.tmp-1'));
      writeFileSync(join(experimentDir, 'best.tmp-1', 'code'), 'the new best\n');
      renameSync(join(experimentDir, 'best'), join(experimentDir, 'best.old-1'));
      renameSync(join(experimentDir, 'best.tmp-1'), join(experimentDir, 'best'));
      rmSync(join(experimentDir, 'best.old-1'), { recursive: true });
      writeFileSync(join(experimentDir, 'config.yaml'), 'api_key: secret\n');
      writeFileSync(join(experimentDir, 'asi-evolve.db'), '');
      expect(await runSandboxed(evaluation, { warm })).toMatchObject({ status: 'ok' });
      expect(readFileSync(join(evaluation.stepDir, 'seen'), 'utf8')).toBe('input.md\nsteps\n');
    },
  );

  it('starts cold in a step folder made again after it was warmed (steps/ deleted meanwhile)', options, async () => {
    const marker = uniqueSleepSeconds();
    const first = job({
      command: `: ${marker}; cat "$1" > seen; echo '{"eval_score": 2}' > results.json`,
      program: 'made again\n',
    });
    const warm = warmed(first);
    expect(await waitForProcesses(marker)).not.toEqual([]);
    rmSync(first.stepDir, { recursive: true, force: true });
    // The warm sandbox holds the removed folder: run there, the evaluator would not find its program.
    expect(await runSandboxed(first, { warm })).toMatchObject({ status: 'ok', evalScore: 2 });
    expect(readFileSync(join(first.stepDir, 'seen'), 'utf8')).toBe('made again\n');
    expect(await survivorsOf(marker, 0)).toEqual([]);
  });

  it('leaves no process once discarded, however often', options, async () => {
    const marker = uniqueSleepSeconds();
    const warm = warmed(job({ command: `sleep ${marker}` }));
    expect(await waitForProcesses(marker)).not.toEqual([]);
    await Promise.all([warm.discard(), warm.discard()]);
    await warm.discard();
    expect(await survivorsOf(marker, 0)).toEqual([]);
  });

  it('leaves nothing running when the process holding it is killed with SIGKILL', options, async () => {
    const marker = uniqueSleepSeconds();
    const holder = join(scratch.root, `hold-${mode}.ts`);
    const sandboxModule = fileURLToPath(new URL('./sandbox.ts', import.meta.url));
    const evaluation = job({ command: `sleep ${marker}` });
    const { child, said } = await startHolder(holder, [
      `import { warmSandbox } from ${JSON.stringify(sandboxModule)};`,
      `const job = ${JSON.stringify(withoutProgram(evaluation))};`,
      'const warm = warmSandbox(job);',
      "process.stdout.write(warm === null ? 'none\\n' : 'warm\\n');",
      'setInterval(() => undefined, 1000);',
    ]);
    expect(said).toBe('warm');
    expect(await waitForProcesses(marker)).not.toEqual([]);
    child.kill('SIGKILL');
    expect(await survivorsOf(marker, 3_000)).toEqual([]);
    expect(existsSync(join(evaluation.stepDir, 'results.json'))).toBe(false);
  });
});

describe('warmSandbox: where it does not apply', () => {
  it('starts nothing without an isolating sandbox mode', () => {
    const evaluation = scratch.job({ sandbox: { mode: 'none', network: false, readPaths: [] } });
    expect(warmSandbox(withoutProgram(evaluation))).toBeNull();
    expect(warmSandbox(withoutProgram(scratch.job({})))).toBeNull();
  });
});
