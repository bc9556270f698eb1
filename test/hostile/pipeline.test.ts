import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  analysisAnswer,
  fakeApi,
  fakeUsage,
  makeExperiment,
  readStored,
  rewriteAnswer,
  runCli,
  startFakeLlm,
  useE2eCleanup,
  type LlmRequest,
} from '../e2e/helpers.js';

useE2eCleanup();

const isDebug = (request: LlmRequest) => request.messages[0]?.content.includes('You are the debug agent') === true;
const analyse = () => analysisAnswer('The score moved as expected.');

describe("the whole CLI with the engineer's safeguards", () => {
  it('has a broken candidate repaired by the debug agent; the node keeps the fixed program and the repair history', async () => {
    const { server, calls } = await startFakeLlm((request) => {
      if (isDebug(request))
        return {
          text: '<explanation>remove the bug marker</explanation>\n<code>\nscore = 7\n</code>',
          usage: fakeUsage,
        };
      if (request.role === 'analyzer') return analyse();
      return rewriteAnswer('risky', 'Raise the score, carelessly.', 'score = 7\nBUG\n');
    });
    const evalScript = `#!/usr/bin/env bash
set -eu
if grep -q BUG "$1"; then echo "SyntaxError: unexpected token BUG" >&2; exit 1; fi
printf '{"eval_score": %s}\\n' "$(sed -n 's/^score *= *//p' "$1")" > results.json
`;
    const dir = makeExperiment({
      initialProgram: 'score = 1\n',
      evalScript,
      config: {
        api: fakeApi(server.url),
        pipeline: { debug: { attempts: 2 }, researcher: { diff_based_evolution: false } },
      },
    });
    const run = await runCli(['run', dir, '--steps', '1']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Debug agent: up to 2 repair attempt(s) of each failed evaluation.');
    const node = readStored(dir).nodes[1];
    expect(node).toMatchObject({ success: true, score: 7, program: 'score = 7\n' });
    expect(node?.metadata.repairs).toEqual([
      expect.objectContaining({
        attempt: 1,
        status: 'ok',
        score: 7,
        explanation: 'remove the bug marker',
        error: expect.stringContaining('SyntaxError: unexpected token BUG'),
      }),
    ]);
    expect(calls.filter(isDebug)).toHaveLength(1);
  });

  it('rejects a candidate by the static check command before any evaluation, recording the reason', async () => {
    const { server } = await startFakeLlm((request) =>
      request.role === 'analyzer' ? analyse() : rewriteAnswer('forbidden', 'Use eval.', 'score = 9\neval("x")\n'),
    );
    const evalScript = `#!/usr/bin/env bash\ntouch evaluated\nprintf '{"eval_score": 1}' > results.json\n`;
    const dir = makeExperiment({
      initialProgram: 'score = 1\n',
      evalScript,
      config: {
        api: fakeApi(server.url),
        pipeline: {
          researcher: { diff_based_evolution: false },
          static_check: {
            enabled: true,
            command: 'if grep -n "eval(" "$1"; then echo "eval is forbidden"; exit 1; fi',
          },
        },
      },
    });
    const run = await runCli(['run', dir, '--steps', '1']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Static check before each evaluation: command');
    const node = readStored(dir).nodes[1];
    expect(node?.success).toBe(false);
    expect(node?.error).toMatch(/^static-check: exited with code 1/);
    expect(node?.error).toContain('eval is forbidden');
    expect(existsSync(join(dir, 'steps', 'step_1', 'evaluated'))).toBe(false);
  });

  it('flags a best that does not reproduce and keeps the previous best', async () => {
    const { server } = await startFakeLlm((request) =>
      request.role === 'analyzer' ? analyse() : rewriteAnswer('lucky', 'A lucky draw.', 'score = 1\nflaky\n'),
    );
    const evalScript = `#!/usr/bin/env bash
if grep -q flaky "$1"; then score=$((RANDOM % 1000 + 10)); else score=1; fi
printf '{"eval_score": %s}\\n' "$score" > results.json
`;
    const dir = makeExperiment({
      initialProgram: 'score = 1\n',
      evalScript,
      config: { api: fakeApi(server.url), pipeline: { researcher: { diff_based_evolution: false } } },
    });
    const run = await runCli(['run', dir, '--steps', '1']);
    expect(run.code).toBe(0);
    const [seed, lucky] = readStored(dir).nodes;
    expect(seed).toMatchObject({ success: true, score: 1 });
    // The seed is not reproduced: it is evaluated twice at the start, beside its step folder.
    expect(seed?.metadata.reproduction).toBeUndefined();
    expect(seed?.metadata.seedRepeat).toEqual({ scores: [1, 1], spread: 0, error: null });
    expect(existsSync(join(dir, 'steps', 'step_0-reproduce-1', 'results.json'))).toBe(true);
    expect(existsSync(join(dir, 'steps', 'step_1-reproduce-1', 'results.json'))).toBe(true);
    expect(lucky).toMatchObject({ success: false, score: null });
    expect(lucky?.error).toMatch(/^unreproducible: scored \d+, but re-run 1 scored \d+/);
    expect(lucky?.metadata.unreproducible).toMatchObject({ reproduced: false });
    expect(JSON.parse(readFileSync(join(dir, 'best', 'node.json'), 'utf8'))).toMatchObject({ id: 0 });
  });

  it('with objectives, reproduces a candidate that would join the front on another objective than eval_score', async () => {
    // The candidate's eval_score ties the seed's (no new best), but a lucky `seconds` would put it
    // on the front: it must be re-run, and the re-run must repeat every objective.
    const { server } = await startFakeLlm((request) =>
      request.role === 'analyzer' ? analyse() : rewriteAnswer('lucky', 'A lucky timing.', 'score = 1\nflaky\n'),
    );
    const evalScript = `#!/usr/bin/env bash
if grep -q flaky "$1"; then seconds="0.$((RANDOM * 32768 + RANDOM))"; else seconds=5; fi
printf '{"eval_score": 1, "seconds": %s}\\n' "$seconds" > results.json
`;
    const dir = makeExperiment({
      initialProgram: 'score = 1\n',
      evalScript,
      config: {
        api: fakeApi(server.url),
        pipeline: { researcher: { diff_based_evolution: false } },
        objectives: { metrics: [{ name: 'seconds', direction: 'minimize' }] },
      },
    });
    const run = await runCli(['run', dir, '--steps', '1']);
    expect(run.code).toBe(0);
    const [seed, lucky] = readStored(dir).nodes;
    expect(seed).toMatchObject({ success: true, score: 1 });
    expect(existsSync(join(dir, 'steps', 'step_1-reproduce-1', 'results.json'))).toBe(true);
    expect(lucky).toMatchObject({ success: false, score: null });
    expect(lucky?.error).toMatch(/^unreproducible: scored 1, but re-run 1: objective seconds was 0\.\d+, now 0\.\d+/);
  });
});
