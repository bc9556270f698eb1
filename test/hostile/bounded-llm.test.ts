import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  analysisAnswer,
  cliEnv,
  fakeApi,
  filesUnder,
  makeExperiment,
  readStored,
  rewriteAnswer,
  startFakeLlm,
  useE2eCleanup,
} from '../e2e/helpers.js';
import { runMeasured } from './measure.js';

useE2eCleanup();

describe('oversized model replies and prompts', () => {
  it('a 30 MB reply is discarded unseen: never re-sent to the model, never stored, and the run goes on', async () => {
    const huge = `<name>big</name>\n<motivation>${'M'.repeat(30 * 1024 * 1024)}</motivation>\n<code>\nscore = 9\n</code>\n`;
    const { server, calls } = await startFakeLlm((request) => {
      if (request.role === 'analyzer') return analysisAnswer('fine');
      return request.round === 1 ? { text: huge } : rewriteAnswer('small', 'a short motivation', 'score = 2\n');
    });
    const dir = makeExperiment({
      initialProgram: 'score = 1\n',
      config: { api: fakeApi(server.url, { retry_times: 1, timeout: 60 }), run: { steps: 2 } },
    });
    const run = await runMeasured(['run', dir]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.peakMb).toBeLessThan(500);

    const { nodes, calls: stored } = readStored(dir);
    expect(nodes.map((node) => [node.step, node.success, node.name])).toEqual([
      [0, true, 'seed'],
      [1, false, 'design-failed'],
      [2, true, 'small'],
    ]);
    expect(nodes[1]!.error).toContain('over the 1000000-character limit for a reply; the reply was discarded');
    // Both attempts of round 1 asked the same one-message prompt: the reply was not shown back.
    const round1 = calls.filter((call) => call.role === 'researcher' && call.round === 1);
    expect(round1.map((call) => call.turn)).toEqual([1, 1]);
    expect(Math.max(...calls.map((call) => JSON.stringify(call.messages).length))).toBeLessThan(100_000);
    // Nothing stored holds the reply: not the calls, not the transcripts.
    expect(
      Math.max(...stored.map((call) => call.responseText.length + JSON.stringify(call.request).length)),
    ).toBeLessThan(100_000);
    for (const file of filesUnder(join(dir, 'steps')))
      expect(readFileSync(file, 'utf8'), file).not.toContain('MMMMMMMMMM');
  });

  it('a prompt over the context window is not sent: the round fails saying so, and the run goes on', async () => {
    const { server, calls } = await startFakeLlm((request) =>
      request.role === 'analyzer' ? analysisAnswer('fine') : rewriteAnswer('n', 'm', 'score = 2\n'),
    );
    // A 2 MB seed: ~500 000 tokens in the Researcher's prompt, beyond the default 128 000-token window.
    const seed = `score = 1\n${'# padding line of the seed program\n'.repeat(60_000)}`;
    const dir = makeExperiment({
      initialProgram: seed,
      config: {
        api: fakeApi(server.url),
        run: { steps: 2 },
        pipeline: { researcher: { max_code_length: 10_000_000 } },
      },
    });
    const run = await runMeasured(['run', dir]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.peakMb).toBeLessThan(500);
    const { nodes } = readStored(dir);
    expect(nodes.slice(1).map((node) => node.name)).toEqual(['design-failed', 'design-failed']);
    expect(nodes[1]!.error).toMatch(
      /^design: the prompt for test-model \(~\d+ tokens\) exceeds its 128000-token context window; it was not sent$/,
    );
    expect(calls.filter((call) => call.role === 'researcher')).toEqual([]);
    expect(Math.max(0, ...server.requests.map((request) => JSON.stringify(request.body).length))).toBeLessThan(
      1_000_000,
    );
  });
});

describe('known secrets echoed by the model endpoint', () => {
  it('are stored nowhere: not in the database, node.json, transcripts, best/ or the program evaluated', async () => {
    const key = `sk-echo-canary-${process.pid}-0123456789`;
    const token = `ghp_echo_canary_${process.pid}_abcdef`;
    const { server } = await startFakeLlm((request) =>
      request.role === 'analyzer'
        ? analysisAnswer(`The key was ${key} and the token ${token}.`)
        : rewriteAnswer(`design ${key}`, `uses ${key}`, `score = 2\n# ${key} ${token}\n`),
    );
    const dir = makeExperiment({
      initialProgram: 'score = 1\n',
      config: { api: fakeApi(server.url), run: { steps: 2 } },
    });
    const run = await runMeasured(['run', dir], { env: cliEnv({ OPENAI_API_KEY: key, GITHUB_TOKEN: token }) });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // The endpoint did get the key (it is the one the run authenticates with) and echoed it.
    expect(server.requests.some((request) => JSON.stringify(request.headers).includes(key))).toBe(true);
    const { nodes } = readStored(dir);
    expect(nodes[1]).toMatchObject({
      name: 'design [redacted]',
      motivation: 'uses [redacted]',
      success: true,
      score: 2,
    });
    expect(nodes[1]!.program).toBe('score = 2\n# [redacted] [redacted]\n');
    for (const file of filesUnder(dir)) {
      const bytes = readFileSync(file).toString('latin1');
      expect(bytes.includes(key) || bytes.includes(token), file).toBe(false);
    }
  });
});
