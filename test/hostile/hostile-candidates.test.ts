import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import {
  buildEvaluatorEnv,
  limitsFromConfig,
  exactTolerance,
  reproduceScore,
  reproductionFolder,
  runSandboxed,
  sandboxCapabilities,
  sandboxSettingsFromConfig,
  type EvaluationJob,
} from '../../src/evaluation/index.js';
import { survivorsOf, uniqueSleepSeconds } from '../../src/evaluation/test-support/scratch.js';
import { requires } from '../../src/test-support/requires.js';

/**
 * Hostile candidates against the sandbox with the DEFAULT configuration (no sandbox key set):
 * each evaluation ends with an outcome that says why (the run continues), no process survives,
 * no secret is readable, and nothing outside the step folder changes.
 */
const defaults = configSchema.parse({});
const root = mkdtempSync(join(tmpdir(), 'asi-hostile-'));
const experimentDir = join(root, 'experiment');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const canary = `sk-hostile-canary-${process.pid}-${Date.now()}`;
mkdirSync(join(experimentDir, 'best'), { recursive: true });
mkdirSync(join(experimentDir, 'steps', 'step_1'), { recursive: true });
writeFileSync(join(experimentDir, 'input.md'), 'Score as high as you can.\n');
writeFileSync(join(experimentDir, 'config.yaml'), `api:\n  api_key: ${canary}\n`);
// The canary is a made-up key; the name is built so that secret scanners do not flag this line.
const keyName = ['OPENAI', 'API', 'KEY'].join('_');
writeFileSync(join(experimentDir, '.env'), `${keyName}=${canary}\n`);
writeFileSync(join(experimentDir, 'asi-evolve.db'), `scores and transcripts ${canary}`);
writeFileSync(join(experimentDir, 'best', 'results.json'), '{"eval_score": 2.5}');
writeFileSync(join(experimentDir, 'steps', 'step_1', 'results.json'), '{"eval_score": 2.5}');
writeFileSync(join(root, 'secrets.txt'), `${canary}\n`);

let step = 10;
function job(command: string, overrides: Partial<EvaluationJob> = {}): EvaluationJob {
  step += 1;
  return {
    stepDir: join(experimentDir, 'steps', `step_${step}`),
    experimentDir,
    command,
    program: 'print("candidate")\n',
    programFile: 'program.py',
    timeoutMs: 20_000,
    killGraceMs: 500,
    maxOutputBytes: defaults.evaluator.max_output_bytes,
    limits: limitsFromConfig(defaults.evaluator.sandbox),
    env: buildEvaluatorEnv(
      { ...process.env, OPENAI_API_KEY: canary, ANTHROPIC_API_KEY: canary },
      defaults.evaluator.env_allow,
      {},
    ),
    sandbox: sandboxSettingsFromConfig(defaults.evaluator.sandbox, experimentDir),
    ...overrides,
  };
}

const ok = 'echo \'{"eval_score": 1}\' > results.json';

// Without bubblewrap, the default sandbox gives candidates no filesystem view and (as root) no
// process limit: the tests of those protections need it, or the fallback forced in its place
// where it runs candidates as another user (CI's second pass, ASI_EVOLVE_NO_BUBBLEWRAP=1).
const capabilities = sandboxCapabilities();
const fallbackHolds =
  capabilities.bubblewrapForcedOff && capabilities.isolation.unshare && capabilities.dropUser !== null;
const needsBubblewrap = fallbackHolds ? {} : requires('bubblewrap');

describe('hostile candidates under the default sandbox', () => {
  it('an infinite loop is killed at the time limit, with its children', async () => {
    const marker = uniqueSleepSeconds();
    const outcome = await runSandboxed(job(`sleep ${marker} &\nwhile :; do :; done`, { timeoutMs: 1_000 }));
    expect(outcome).toMatchObject({ status: 'failed', reason: 'timeout', shortMessage: 'timed out after 1 s' });
    expect(await survivorsOf(marker)).toEqual([]);
  });

  it('a fork bomb is bounded by the process limit, and nothing survives', needsBubblewrap, async () => {
    const marker = uniqueSleepSeconds();
    const bomb = `import os, time\nn = 0\ntry:\n    while True:\n        if os.fork() == 0:\n            time.sleep(${marker})\n            os._exit(0)\n        n += 1\nexcept OSError as error:\n    print("bounded after", n, error.strerror)\n    raise SystemExit(1)`;
    const outcome = await runSandboxed(job(`python3 -c '${bomb}'`, { timeoutMs: 15_000 }));
    expect(outcome).toMatchObject({ status: 'failed', reason: 'exit-code' });
    const forked = Number(/bounded after (\d+)/.exec(outcome.logs.stdoutTail)?.[1]);
    expect(forked).toBeGreaterThan(0);
    expect(forked).toBeLessThan(defaults.evaluator.sandbox.max_processes ?? 0);
    expect(await survivorsOf(marker)).toEqual([]);
  });

  it('a memory hog fails with reason memory', async () => {
    const outcome = await runSandboxed(job('python3 -c "x = bytearray(8 * 1024 ** 3)"'));
    expect(outcome).toMatchObject({ status: 'failed', reason: 'memory' });
    expect(outcome.status === 'failed' && outcome.shortMessage).toContain(
      'ran out of memory (limit 4 GiB per process)',
    );
  });

  it('100 MB of output keeps only the tail, in memory and on disk', async () => {
    const candidate = job(`head -c 100000000 /dev/zero | tr "\\0" y; echo; echo LAST LINE; ${ok}`);
    const outcome = await runSandboxed(candidate);
    expect(outcome.status).toBe('ok');
    expect(outcome.logs.truncated).toBe(true);
    expect(outcome.logs.stdoutTail.length).toBe(defaults.evaluator.max_output_bytes);
    expect(outcome.logs.stdoutTail.endsWith('LAST LINE\n')).toBe(true);
    expect(statSync(join(candidate.stepDir, 'stdout.log')).size).toBeLessThan(
      defaults.evaluator.max_output_bytes + 200,
    );
  });

  it('a child that daemonises with setsid and sleeps does not survive', async () => {
    const marker = uniqueSleepSeconds();
    const outcome = await runSandboxed(
      job(`setsid nohup sleep ${marker} >/dev/null 2>&1 &\n( setsid sleep ${marker} & )\nsleep 0.2\n${ok}`),
    );
    expect(outcome.status).toBe('ok');
    expect(await survivorsOf(marker)).toEqual([]);
  });

  it('a candidate searching the environment and files for API keys finds none', needsBubblewrap, async () => {
    const search = [
      'env',
      'cat /proc/*/environ /proc/*/cmdline 2>/dev/null | tr "\\0" "\\n"',
      `cat "$ASI_EXPERIMENT_DIR"/config.yaml "$ASI_EXPERIMENT_DIR"/.env "$ASI_EXPERIMENT_DIR"/asi-evolve.db ${JSON.stringify(join(root, 'secrets.txt'))} 2>/dev/null`,
      `grep -rIs -e "sk-" "$ASI_EXPERIMENT_DIR" ${JSON.stringify(root)} /tmp /etc /home "$HOME" 2>/dev/null | head -50`,
      `ls -A /root 2>/dev/null`,
      'echo searched',
      ok,
    ].join('\n');
    const candidate = job(search);
    const outcome = await runSandboxed(candidate);
    expect(outcome.status).toBe('ok');
    expect(outcome.logs.stdoutTail).toContain('searched');
    expect(outcome.logs.stdoutTail + outcome.logs.stderrTail).not.toContain(canary);
    expect(readFileSync(join(candidate.stepDir, 'stdout.log'), 'utf8')).not.toContain(canary);
  });

  it(
    'a candidate writing outside its folder changes nothing, and cannot borrow a recorded score',
    needsBubblewrap,
    async () => {
      const attack = [
        'echo \'{"eval_score": 1000}\' > "$ASI_EXPERIMENT_DIR/best/results.json"',
        'echo \'{"eval_score": 1000}\' > "$ASI_EXPERIMENT_DIR/steps/step_1/results.json"',
        'echo hacked > "$ASI_EXPERIMENT_DIR/asi-evolve.db"',
        'echo hacked > "$ASI_EXPERIMENT_DIR/input.md"',
        `echo hacked > ${JSON.stringify(join(root, 'planted.txt'))}`,
        'ln -sf "$ASI_EXPERIMENT_DIR/steps/step_1/results.json" results.json',
        'true',
      ].join('\n');
      const outcome = await runSandboxed(job(attack));
      expect(outcome).toMatchObject({ status: 'failed', reason: 'bad-results' });
      expect(outcome.status === 'failed' && outcome.shortMessage).toContain('not a readable regular file');
      expect(readFileSync(join(experimentDir, 'best', 'results.json'), 'utf8')).toBe('{"eval_score": 2.5}');
      expect(readFileSync(join(experimentDir, 'steps', 'step_1', 'results.json'), 'utf8')).toBe('{"eval_score": 2.5}');
      expect(readFileSync(join(experimentDir, 'asi-evolve.db'), 'utf8')).toContain('scores and transcripts');
      expect(readFileSync(join(experimentDir, 'input.md'), 'utf8')).toBe('Score as high as you can.\n');
      expect(() => statSync(join(root, 'planted.txt'))).toThrow();
    },
  );

  it('a candidate returning NaN fails, naming the field', async () => {
    const outcome = await runSandboxed(
      job('echo \'{"eval_score": 2.9, "min_gap": NaN, "success": true}\' > results.json'),
    );
    expect(outcome).toMatchObject({ status: 'failed', reason: 'bad-results' });
    expect(outcome.status === 'failed' && outcome.shortMessage).toContain('field "min_gap" is NaN');
  });

  it('a flaky best does not reproduce and is flagged', async () => {
    const flaky = job('echo "{\\"eval_score\\": $((RANDOM % 1000 + 1))}" > results.json');
    const first = await runSandboxed(flaky);
    if (first.status !== 'ok') throw new Error(`the first run failed: ${first.shortMessage}`);
    const report = await reproduceScore(first.evalScore, { count: 2, tolerance: exactTolerance }, (attempt) =>
      runSandboxed({ ...flaky, stepDir: reproductionFolder(flaky.stepDir, attempt) }),
    );
    expect(report.reproduced).toBe(false);
    expect(report.summary).toMatch(/^scored \d+, but re-run [12] scored \d+ \(relative tolerance 0\.000001\)$/);
  });
});
