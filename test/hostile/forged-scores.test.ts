import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { candidateSandboxPath } from '../../src/evaluation/candidate-sandbox.js';
import {
  buildEvaluatorEnv,
  limitsFromConfig,
  reproduceScore,
  reproductionFolder,
  runSandboxed,
  type EvaluationJob,
  type SandboxSettings,
} from '../../src/evaluation/index.js';
import { sandboxModesHere, survivorsOf, uniqueSleepSeconds } from '../../src/evaluation/test-support/scratch.js';

/**
 * Candidates that try to write their own score, under every sandbox mode this machine offers
 * (CI runs this file with bubblewrap and again with ASI_EVOLVE_NO_BUBBLEWRAP=1). The evaluator
 * runs the candidate through $ASI_SANDBOX_EXEC, as every shipped example does, and scores what
 * the candidate printed (capped at 10): whatever the candidate does, the score is that number.
 */
const defaults = configSchema.parse({});
const modes = sandboxModesHere();

const root = mkdtempSync(join(tmpdir(), 'asi-forge-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The evaluator: runs the candidate in the candidate sandbox, waits, then scores its answer. */
const evaluator = `set -u
"$ASI_SANDBOX_EXEC" --scratch candidate -- bash "$1" > candidate.out 2>&1 || true
sleep 0.3
claimed=$(sed -n 's/^answer \\([0-9][0-9]*\\)$/\\1/p' candidate.out | tail -n 1)
claimed=\${claimed:-0}
[ "$claimed" -gt 10 ] && claimed=10
printf '{"eval_score": %s}\\n' "$claimed" > results.json
sleep 0.3
`;

function experiment(mode: string): string {
  const dir = join(root, mode);
  mkdirSync(join(dir, 'best'), { recursive: true });
  mkdirSync(join(dir, 'steps', 'step_1'), { recursive: true });
  writeFileSync(join(dir, 'input.md'), 'Score as high as you can.\n');
  writeFileSync(join(dir, 'eval.sh'), evaluator);
  writeFileSync(join(dir, 'config.yaml'), 'evaluator:\n  timeout: 30\n');
  writeFileSync(join(dir, 'asi-evolve.db'), 'scores');
  writeFileSync(join(dir, 'best', 'results.json'), '{"eval_score": 2.5}');
  writeFileSync(join(dir, 'steps', 'step_1', 'results.json'), '{"eval_score": 2.5}');
  return dir;
}

/** Every file the candidate must not change, with its content now. */
function snapshot(dir: string): Map<string, string> {
  const files = [
    'input.md',
    'eval.sh',
    'config.yaml',
    'asi-evolve.db',
    'best/results.json',
    'steps/step_1/results.json',
  ].map((name) => join(dir, name));
  files.push(candidateSandboxPath, join(dirname(dirname(candidateSandboxPath)), 'package.json'));
  return new Map(files.map((file) => [file, readFileSync(file, 'utf8')]));
}

/**
 * Asserts that nothing changed since `before`; puts back what did first, so that a regression
 * fails this test without damaging this checkout (the installed tool is the repository's bin/).
 */
function expectUnchanged(before: Map<string, string>): void {
  const changed = [...before].filter(([file, text]) => readFileSync(file, 'utf8') !== text).map(([file]) => file);
  for (const file of changed) writeFileSync(file, before.get(file) ?? '');
  expect(changed).toEqual([]);
}

let step = 10;
function job(dir: string, mode: SandboxSettings['mode'], candidate: string): EvaluationJob {
  step += 1;
  return {
    stepDir: join(dir, 'steps', `step_${step}`),
    experimentDir: dir,
    command: `bash "$ASI_EXPERIMENT_DIR/eval.sh" "$1"`,
    program: candidate,
    programFile: 'program.sh',
    timeoutMs: 30_000,
    killGraceMs: 500,
    maxOutputBytes: defaults.evaluator.max_output_bytes,
    limits: limitsFromConfig(defaults.evaluator.sandbox),
    env: buildEvaluatorEnv(process.env, defaults.evaluator.env_allow, {}),
    sandbox: { mode, network: false, readPaths: [] },
  };
}

const forgedResults = '{"eval_score": 1e9}';

/** A helper process rewriting results.json in a loop, in the background and daemonised. */
function forgeByHelper(marker: number): string {
  const loop = `while :; do for target in "$ASI_STEP_DIR/results.json" ../results.json; do echo '${forgedResults}' > "$target"; done; sleep 0.01; done`;
  return [
    `( ${loop} ) >/dev/null 2>&1 &`,
    `setsid nohup bash -c '${loop.replaceAll("'", "'\\''")}' >/dev/null 2>&1 &`,
    `setsid sleep ${marker} &`,
    'echo answer 3',
  ].join('\n');
}

describe.each(modes)('a candidate cannot forge its score under sandbox mode %s', (mode) => {
  const dir = experiment(mode);

  it('forge-by-helper: a background and a daemonised helper rewriting results.json leave the score honest, and nothing survives', async () => {
    const marker = uniqueSleepSeconds();
    const before = snapshot(dir);
    const outcome = await runSandboxed(job(dir, mode, forgeByHelper(marker)));
    expect(outcome).toMatchObject({ status: 'ok', evalScore: 3 });
    expect(await survivorsOf(marker)).toEqual([]);
    expectUnchanged(before);
  });

  it('FIFO swap: a FIFO in place of results.json, swapped for a forged file once the evaluator wrote to it, cannot be made', async () => {
    const swap = [
      'rm -f "$ASI_STEP_DIR/results.json"; mkfifo "$ASI_STEP_DIR/results.json"',
      `( cat "$ASI_STEP_DIR/results.json" >/dev/null; echo '${forgedResults}' > "$ASI_STEP_DIR/forged.json"; mv "$ASI_STEP_DIR/forged.json" "$ASI_STEP_DIR/results.json" ) &`,
      'echo answer 4',
    ].join('\n');
    const outcome = await runSandboxed(job(dir, mode, swap));
    expect(outcome).toMatchObject({ status: 'ok', evalScore: 4 });
  });

  it('writes to the experiment, the database, best/, other steps, the step folder and the installed tool change nothing', async () => {
    const before = snapshot(dir);
    const attack = [
      ...[...before.keys()].map((file) => `echo '${forgedResults}' > ${JSON.stringify(file)}`),
      'echo planted > "$ASI_STEP_DIR/planted"',
      'ln -sf "$ASI_EXPERIMENT_DIR/best/results.json" "$ASI_STEP_DIR/results.json"',
      'echo "exit 0" >> "$ASI_SANDBOX_EXEC"',
      'sqlite3 "$ASI_EXPERIMENT_DIR/asi-evolve.db" "update nodes set score = 1e9" 2>/dev/null',
      'echo answer 5',
    ].join('\n');
    const candidate = job(dir, mode, attack);
    const outcome = await runSandboxed(candidate);
    expect(outcome).toMatchObject({ status: 'ok', evalScore: 5 });
    expectUnchanged(before);
    expect(() => readFileSync(join(candidate.stepDir, 'planted'))).toThrow();
  });

  it('extra metrics: a candidate cannot add or change objectives, per-instance scores or any other results field', async () => {
    // The evaluator reports several objectives and a per-instance map; the candidate tries to plant
    // better ones everywhere an evaluator or the tool might read metrics from.
    const forged =
      '{"eval_score": 1e9, "seconds": 0, "accuracy": 1, "cases": {"a": 1e9, "planted": 1e9}, "injected": 1}';
    const attack = [
      `for target in "$ASI_STEP_DIR/results.json" "$ASI_STEP_DIR/metrics.json" ./results.json ../results.json; do echo '${forged}' > "$target" 2>/dev/null; done`,
      `echo '${forged}'`,
      'echo answer 7',
    ].join('\n');
    const candidate = job(dir, mode, attack);
    candidate.command = [
      '"$ASI_SANDBOX_EXEC" --scratch candidate -- bash "$1" > candidate.out 2>&1 || true',
      `claimed=$(sed -n 's/^answer \\([0-9][0-9]*\\)$/\\1/p' candidate.out | tail -n 1)`,
      `printf '{"eval_score": %s, "seconds": 2.5, "accuracy": 0.25, "cases": {"a": 0.5}}\\n' "\${claimed:-0}" > results.json`,
    ].join('\n');
    const outcome = await runSandboxed(candidate);
    expect(outcome).toMatchObject({ status: 'ok', evalScore: 7 });
    if (outcome.status !== 'ok') return;
    expect(outcome.results).toEqual({ eval_score: 7, seconds: 2.5, accuracy: 0.25, cases: { a: 0.5 } });
  });

  it('killing every process it can reach leaves the evaluator running and the score honest', async () => {
    const outcome = await runSandboxed(
      job(dir, mode, 'echo answer 6\nkill -9 -1 2>/dev/null\nkill -9 $PPID 2>/dev/null\nsleep 1'),
    );
    expect(outcome).toMatchObject({ status: 'ok', evalScore: 6 });
  });

  it("an evaluator that kills the candidate sandbox at its own time limit leaves none of the candidate's processes", async () => {
    const marker = uniqueSleepSeconds();
    const candidate = job(
      dir,
      mode,
      `sleep ${marker} &\nsetsid sleep ${marker} &\n( trap "" TERM; sleep ${marker} ) &\nwait`,
    );
    // The evaluator counts the candidate's processes itself, before the evaluation's own cleanup
    // (`^sleep`: its own command line holds the marker too).
    candidate.command = [
      `"$ASI_SANDBOX_EXEC" -- bash "$1" & sandbox=$!`,
      `for _ in $(seq 100); do [ "$(pgrep -fc '^sleep ${marker}')" -ge 3 ] && break; sleep 0.05; done`,
      'started=$(pgrep -fc "^sleep ' + marker + '")',
      'kill -KILL "$sandbox"; wait "$sandbox" 2>/dev/null',
      'sleep 0.5',
      'left=$(pgrep -fc "^sleep ' + marker + '" || true)',
      'printf \'{"eval_score": %s, "started": %s}\\n\' "$left" "$started" > results.json',
    ].join('\n');
    const outcome = await runSandboxed(candidate);
    expect(outcome).toMatchObject({ status: 'ok', evalScore: 0, results: { started: 3 } });
    expect(await survivorsOf(marker)).toEqual([]);
  });

  it('a re-evaluation gets the same protection: a forging best reproduces its honest score only', async () => {
    const marker = uniqueSleepSeconds();
    const forging = job(dir, mode, forgeByHelper(marker));
    const first = await runSandboxed(forging);
    if (first.status !== 'ok') throw new Error(`the first run failed: ${first.shortMessage}`);
    const report = await reproduceScore(first.evalScore, { count: 2, tolerance: 0 }, (attempt) =>
      runSandboxed({ ...forging, stepDir: reproductionFolder(forging.stepDir, attempt) }),
    );
    expect(first.evalScore).toBe(3);
    expect(report.reproduced).toBe(true);
    expect(await survivorsOf(marker)).toEqual([]);
  });
});
