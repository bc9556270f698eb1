import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sandboxCapabilities } from '../../src/evaluation/index.js';
import { survivorsOf, uniqueSleepSeconds } from '../../src/evaluation/test-support/scratch.js';
import {
  analysisAnswer,
  fakeApi,
  makeExperiment,
  readStored,
  rewriteAnswer,
  runCli,
  startCli,
  startFakeLlm,
  useE2eCleanup,
  waitFor,
} from '../e2e/helpers.js';

useE2eCleanup();

const capabilities = sandboxCapabilities();
const modes = [
  ...(capabilities.isolation.bubblewrap ? ['bubblewrap'] : []),
  ...(capabilities.isolation.unshare ? ['unshare'] : []),
  'none',
];

describe.each(modes)('sandbox mode %s, through the whole CLI', (mode) => {
  it('a run killed with SIGKILL takes its evaluation with it: no process of it survives', async () => {
    const marker = uniqueSleepSeconds();
    const evalScript = `#!/usr/bin/env bash\nsleep ${marker} &\nbash -c 'sleep ${marker}' &\n( trap "" TERM; sleep ${marker} ) &\ntouch started\nwait\n`;
    const dir = makeExperiment({
      initialProgram: 'score = 1\n',
      evalScript,
      config: { api: fakeApi('http://127.0.0.1:9/v1'), evaluator: { timeout: 600, sandbox: { mode } } },
    });
    const run = startCli(['run', dir, '--steps', '1']);
    await waitFor(() => existsSync(join(dir, 'steps', 'step_0', 'started')), 'the seed evaluation to start');
    run.child.kill('SIGKILL');
    await run.done;
    expect(await survivorsOf(marker, 3_000)).toEqual([]);
  });

  it("a forging candidate never becomes a node's score nor the best, re-evaluation included", async () => {
    // The candidate's answer is the number it prints; a helper it starts rewrites results.json.
    const forging = [
      'loop() { while :; do echo \'{"eval_score": 1e9}\' > "$ASI_STEP_DIR/results.json"; sleep 0.01; done; }',
      'loop >/dev/null 2>&1 &',
      'setsid bash -c "$(declare -f loop); loop" >/dev/null 2>&1 &',
      'echo answer 7',
    ].join('\n');
    const { server } = await startFakeLlm((request) =>
      request.role === 'analyzer'
        ? analysisAnswer('Scored as printed.')
        : rewriteAnswer('forger', 'Print 7 and forge.', `${forging}\n`),
    );
    const evalScript = [
      '#!/usr/bin/env bash',
      '"$ASI_SANDBOX_EXEC" -- bash "$1" > candidate.out 2>&1 || true',
      'sleep 0.3',
      'answer=$(sed -n "s/^answer \\([0-9][0-9]*\\)$/\\1/p" candidate.out | tail -n 1)',
      'printf \'{"eval_score": %s}\\n\' "${answer:-0}" > results.json',
      'sleep 0.3',
      '',
    ].join('\n');
    const dir = makeExperiment({
      initialProgram: 'echo answer 1\n',
      evalScript,
      config: {
        api: fakeApi(server.url),
        evaluator: { sandbox: { mode }, reproduce: { count: 1 } },
        pipeline: { researcher: { diff_based_evolution: false } },
      },
    });
    const run = await runCli(['run', dir, '--steps', '2']);
    expect(run.code).toBe(0);
    const scores = readStored(dir).nodes.map((node) => node.score);
    expect(scores).toEqual([1, 7, 7]);
    expect(JSON.parse(readFileSync(join(dir, 'best', 'node.json'), 'utf8'))).toMatchObject({ score: 7 });
  });
});
