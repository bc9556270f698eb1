import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AsiEvolveError } from '../errors.js';
import { sandboxCapabilities } from './capabilities.js';
import { buildEvaluatorEnv } from './env.js';
import { runSandboxed } from './sandbox.js';
import { createScratch } from './test-support/scratch.js';

const scratch = createScratch();
afterAll(() => scratch.cleanup());

describe('runSandboxed: the evaluation contract', () => {
  it('runs a good evaluator in the step folder with the candidate as code and as the program file', async () => {
    const job = scratch.job({
      command: [
        'pwd > cwd.txt',
        'printf "%s\\n%s\\n" "$1" "$2" > args.txt',
        'printf "%s\\n%s\\n%s\\n" "$ASI_PROGRAM_PATH" "$ASI_STEP_DIR" "$ASI_EXPERIMENT_DIR" > asi.txt',
        'echo "checking $(wc -c < code) bytes"',
        'echo \'{"eval_score": 2.5, "success": true, "valid": 1}\' > results.json',
      ].join('\n'),
    });
    const outcome = await runSandboxed(job);
    expect(outcome).toMatchObject({
      status: 'ok',
      evalScore: 2.5,
      results: { eval_score: 2.5, success: true, valid: 1 },
    });
    expect(outcome.logs.stdoutTail).toBe(`checking ${job.program.length} bytes\n`);
    expect(outcome.logs.truncated).toBe(false);
    expect(outcome.durationMs).toBeGreaterThanOrEqual(0);
    const programPath = join(job.stepDir, 'program.py');
    expect(readFileSync(join(job.stepDir, 'code'), 'utf8')).toBe(job.program);
    expect(readFileSync(programPath, 'utf8')).toBe(job.program);
    expect(readFileSync(join(job.stepDir, 'cwd.txt'), 'utf8').trim()).toBe(job.stepDir);
    expect(readFileSync(join(job.stepDir, 'args.txt'), 'utf8')).toBe(`${programPath}\n${job.stepDir}\n`);
    expect(readFileSync(join(job.stepDir, 'asi.txt'), 'utf8')).toBe(
      `${programPath}\n${job.stepDir}\n${job.experimentDir}\n`,
    );
    expect(readFileSync(join(job.stepDir, 'stdout.log'), 'utf8')).toBe(outcome.logs.stdoutTail);
  });

  it('writes the program file in a subfolder, and only once when it is named code', async () => {
    const nested = scratch.job({
      programFile: 'src/main.py',
      command: 'test -f src/main.py && echo \'{"eval_score": 1}\' > results.json',
    });
    expect((await runSandboxed(nested)).status).toBe('ok');
    const plain = scratch.job({ programFile: 'code' });
    expect((await runSandboxed(plain)).status).toBe('ok');
  });

  it('refuses a program file outside the step folder', async () => {
    const job = scratch.job({ programFile: '../escape.py' });
    const error = await runSandboxed(job).catch((caught: unknown) => caught);
    expect(AsiEvolveError.isInstance(error) && error.code).toBe('CONFIG_INVALID');
    expect(existsSync(join(job.stepDir, '..', 'escape.py'))).toBe(false);
  });

  it('fails with exit-code and the last stderr line on a non-zero exit', async () => {
    const outcome = await runSandboxed(scratch.job({ command: 'echo first >&2; echo "boom: bad input" >&2; exit 3' }));
    expect(outcome).toMatchObject({ status: 'failed', reason: 'exit-code', exitCode: 3, signal: null });
    expect(outcome.status === 'failed' && outcome.shortMessage).toBe('exited with code 3: boom: bad input');
    expect(outcome.logs.stderrTail).toBe('first\nboom: bad input\n');
  });

  it('fails with bad-results when no results.json is written, even if a stale one was there', async () => {
    const job = scratch.job({ command: 'echo done' });
    mkdirSync(job.stepDir, { recursive: true });
    writeFileSync(join(job.stepDir, 'results.json'), '{"eval_score": 99}');
    const outcome = await runSandboxed(job);
    expect(outcome).toMatchObject({ status: 'failed', reason: 'bad-results', exitCode: 0, results: null });
    expect(outcome.status === 'failed' && outcome.shortMessage).toContain('results.json');
  });

  it('fails with bad-results, without blocking, when results.json is a FIFO or a folder', async () => {
    const fifo = await runSandboxed(scratch.job({ command: 'mkfifo results.json' }));
    expect(fifo).toMatchObject({ status: 'failed', reason: 'bad-results' });
    expect(fifo.status === 'failed' && fifo.shortMessage).toContain('not a readable regular file');
    const folder = await runSandboxed(scratch.job({ command: 'mkdir results.json; mkfifo evaluator.log' }));
    expect(folder).toMatchObject({ status: 'failed', reason: 'bad-results' });
    expect(folder.logs.logFileTail).toBeUndefined();
  });

  it('does not follow a link an earlier attempt left in place of the program file', async () => {
    const outside = join(scratch.job({}).stepDir, '..', 'outside.txt');
    const first = scratch.job({
      command: `echo kept > ${JSON.stringify(outside)}; rm program.py; ln -s ${JSON.stringify(outside)} program.py`,
    });
    await runSandboxed(first);
    const second = { ...first, command: 'echo \'{"eval_score": 1}\' > results.json', program: 'second attempt\n' };
    expect((await runSandboxed(second)).status).toBe('ok');
    expect(readFileSync(outside, 'utf8')).toBe('kept\n');
    expect(readFileSync(join(first.stepDir, 'program.py'), 'utf8')).toBe('second attempt\n');
  });

  it('fails with bad-results on malformed JSON', async () => {
    const outcome = await runSandboxed(scratch.job({ command: 'echo "{eval_score: 1" > results.json' }));
    expect(outcome).toMatchObject({ status: 'failed', reason: 'bad-results' });
    expect(outcome.status === 'failed' && outcome.shortMessage).toContain('not valid JSON');
  });

  it('fails with bad-results on a NaN eval_score, keeping the other fields', async () => {
    const outcome = await runSandboxed(
      scratch.job({ command: 'echo \'{"eval_score": NaN, "loss": 0.5}\' > results.json' }),
    );
    expect(outcome).toMatchObject({
      status: 'failed',
      reason: 'bad-results',
      results: { eval_score: 'NaN', loss: 0.5 },
    });
  });

  it("fails as unsuccessful with the evaluator's error message", async () => {
    const outcome = await runSandboxed(
      scratch.job({
        command: 'echo \'{"success": false, "eval_score": 0, "error": "circles 3 and 7 overlap"}\' > results.json',
      }),
    );
    expect(outcome).toMatchObject({ status: 'failed', reason: 'unsuccessful', results: { success: false } });
    expect(outcome.status === 'failed' && outcome.shortMessage).toContain('circles 3 and 7 overlap');
  });

  it('keeps only the tail of 20 MB of output, in memory and in stdout.log', async () => {
    const job = scratch.job({
      maxOutputBytes: 64 * 1024,
      command: 'head -c 20000000 /dev/zero | tr "\\0" x; echo; echo END; echo \'{"eval_score": 1}\' > results.json',
    });
    const outcome = await runSandboxed(job);
    expect(outcome.status).toBe('ok');
    expect(outcome.logs.truncated).toBe(true);
    expect(outcome.logs.stdoutTail.length).toBe(64 * 1024);
    expect(outcome.logs.stdoutTail.endsWith('xxx\nEND\n')).toBe(true);
    const logSize = statSync(join(job.stepDir, 'stdout.log')).size;
    expect(logSize).toBeLessThan(64 * 1024 + 200);
    const firstLine = readFileSync(join(job.stepDir, 'stdout.log'), 'utf8').split('\n')[0];
    expect(firstLine).toBe('[asi-evolve: 19934469 earlier bytes were dropped; the last 65536 are kept]');
  });

  it('lets a check command pass on exit 0 without results.json, when results are not required', async () => {
    const passed = await runSandboxed(scratch.job({ command: 'grep -q candidate "$1"' }), { requireResults: false });
    expect(passed).toMatchObject({ status: 'ok', results: {}, evalScore: 0 });
    const refused = await runSandboxed(scratch.job({ command: 'echo "uses eval" >&2; exit 1' }), {
      requireResults: false,
    });
    expect(refused).toMatchObject({
      status: 'failed',
      reason: 'exit-code',
      shortMessage: 'exited with code 1: uses eval',
    });
  });

  it('returns the tail of evaluator.log written by the evaluator', async () => {
    const job = scratch.job({
      command: 'echo "epoch 1 loss 0.3" > evaluator.log; echo \'{"eval_score": 1}\' > results.json',
    });
    const outcome = await runSandboxed(job);
    expect(outcome.logs.logFileTail).toBe('epoch 1 loss 0.3\n');
    const without = await runSandboxed(scratch.job({}));
    expect(without.logs.logFileTail).toBeUndefined();
  });
});

describe('runSandboxed: environment', () => {
  it('never passes OPENAI_API_KEY from the parent, and keeps HOME and TMPDIR in the step folder', async () => {
    const previous = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = 'sk-test-do-not-leak';
    try {
      const job = scratch.job({
        env: buildEvaluatorEnv(process.env, ['OPENAI_API_KEY'], { SEED: '7' }),
        command: 'env > env.txt; touch "$TMPDIR/scratch"; echo \'{"eval_score": 1}\' > results.json',
      });
      const outcome = await runSandboxed(job);
      expect(outcome.status).toBe('ok');
      const dumped = readFileSync(join(job.stepDir, 'env.txt'), 'utf8');
      expect(dumped).not.toContain('OPENAI_API_KEY');
      expect(dumped).not.toContain('sk-test-do-not-leak');
      const names = dumped
        .split('\n')
        .map((line) => line.split('=')[0])
        .filter((name) => name !== undefined && name.length > 0);
      expect(names).toContain('SEED');
      expect(dumped).toContain(`HOME=${job.stepDir}\n`);
      expect(dumped).toContain(`TMPDIR=${join(job.stepDir, 'tmp')}\n`);
      expect(existsSync(join(job.stepDir, 'tmp'))).toBe(false);
    } finally {
      if (previous === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = previous;
    }
  });
});

describe('runSandboxed: resource limits', () => {
  const hog = `${JSON.stringify(process.execPath)} -e 'const kept = []; for (;;) kept.push(Buffer.alloc(64 * 1024 * 1024, 1))'`;

  it('detects prlimit and a namespace sandbox on this machine', () => {
    expect(sandboxCapabilities()).toMatchObject({
      processGroupKill: true,
      resourceLimits: true,
      containsSessionEscape: true,
    });
  });

  it('makes a python3 memory hog fail with reason memory instead of hanging', async () => {
    const job = scratch.job({
      limits: { memoryBytes: 256 * 1024 * 1024 },
      command: 'python3 -c "x = bytearray(2 * 1024 ** 3)"',
    });
    const outcome = await runSandboxed(job);
    expect(outcome).toMatchObject({ status: 'failed', reason: 'memory' });
    expect(outcome.status === 'failed' && outcome.shortMessage).toContain(
      'ran out of memory (limit 256 MiB per process): MemoryError',
    );
  });

  it('makes a node memory hog fail with reason memory', async () => {
    const outcome = await runSandboxed(scratch.job({ limits: { memoryBytes: 1024 * 1024 * 1024 }, command: hog }));
    expect(outcome).toMatchObject({ status: 'failed', reason: 'memory' });
  });

  it('runs without limits, as reported, where prlimit is missing', async () => {
    const capabilities = { ...sandboxCapabilities(), prlimitPath: null, resourceLimits: false };
    const job = scratch.job({
      limits: { memoryBytes: 128 * 1024 * 1024 },
      command: 'python3 -c "x = bytearray(200 * 1024 ** 2)" && echo \'{"eval_score": 1}\' > results.json',
    });
    expect((await runSandboxed(job, { capabilities })).status).toBe('ok');
  });

  it('stops a busy loop at its CPU-time limit', async () => {
    const outcome = await runSandboxed(scratch.job({ limits: { cpuSeconds: 1 }, command: 'while :; do :; done' }));
    expect(outcome).toMatchObject({ status: 'failed', reason: 'timeout', signal: 'SIGXCPU' });
    expect(outcome.status === 'failed' && outcome.shortMessage).toBe('exceeded the CPU-time limit of 1 s (SIGXCPU)');
  });
});
