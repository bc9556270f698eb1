import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  analysisAnswer,
  cliEnv,
  fakeApi,
  makeExperiment,
  readStored,
  rewriteAnswer,
  runCli,
  startFakeLlm,
  useE2eCleanup,
  type LlmRequest,
} from './helpers.js';

useE2eCleanup();

const rewriteConfig = (url: string, api: Record<string, unknown> = {}) => ({
  api: fakeApi(url, api),
  pipeline: { researcher: { diff_based_evolution: false } },
});

function answerNormally(request: LlmRequest) {
  if (request.role === 'analyzer') return analysisAnswer(`Round ${request.round} analysed.`);
  return rewriteAnswer(`idea-${request.round}`, 'Raise the score.', `score = ${request.round}\n`);
}

describe('LLM transport failures in whole runs', () => {
  it('a 429 with Retry-After is retried and the round completes; each attempt is recorded', async () => {
    const { server, calls } = await startFakeLlm((request) =>
      request.index === 0
        ? { status: 429, retryAfter: 1, message: 'Rate limit reached for test-model' }
        : answerNormally(request),
    );
    const dir = makeExperiment({ config: rewriteConfig(server.url) });

    const run = await runCli(['run', dir, '--steps', '1']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    const { nodes, calls: stored } = readStored(dir);
    expect(nodes.map((node) => [node.id, node.success, node.name, node.score])).toEqual([[1, true, 'idea-1', 1]]);
    expect(calls.map((request) => request.role)).toEqual(['researcher', 'researcher', 'analyzer']);
    const attempts = stored.filter((call) => call.role === 'researcher');
    expect(attempts.map((call) => call.attempt)).toEqual([1, 2]);
    expect(attempts[0]!.error).toContain('429');
    expect(attempts[0]!.error).toContain('Rate limit reached');
    expect(attempts[1]!.error).toBeNull();
    expect(attempts.every((call) => call.nodeId === 1)).toBe(true);
  });

  it('a server that never answers fails the round after api.timeout and its retries; the run goes on', async () => {
    // Round 1's two attempts hang (timeout 1 s, retry_times 1); everything after is answered.
    const { server, calls } = await startFakeLlm((request) =>
      request.index < 2 ? { hang: true } : answerNormally(request),
    );
    const dir = makeExperiment({ config: rewriteConfig(server.url, { timeout: 1, retry_times: 1 }) });

    const run = await runCli(['run', dir, '--steps', '2'], { timeoutMs: 30_000 });
    expect(run.signal).toBeNull();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Run done: 2/2 rounds');

    const { nodes, calls: stored } = readStored(dir);
    expect(nodes.map((node) => [node.id, node.success])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(nodes[0]!.error).toMatch(/^design: .*failed 2 times; last error: .*no answer within 1000 ms/);
    const hung = stored.filter((call) => call.nodeId === 1);
    expect(hung.map((call) => [call.role, call.attempt])).toEqual([
      ['researcher', 1],
      ['researcher', 2],
    ]);
    expect(hung.every((call) => call.error?.includes('no answer within 1000 ms'))).toBe(true);
    expect(calls.filter((request) => request.role === 'researcher' && request.round === 1)).toHaveLength(2);
    expect(nodes[1]!.name).toBe('idea-2');
  });

  it('a 401 stops the run at once with exit code 2 and the provider message, and never prints the key', async () => {
    const key = 'sk-secret-e2e-0123456789abcdef';
    const { server } = await startFakeLlm(() => ({
      status: 401,
      message: `Incorrect API key provided: ${key}. You can find your API key at https://example.invalid/keys.`,
    }));
    const dir = makeExperiment({ initialProgram: 'score = 1\n', config: rewriteConfig(server.url) });

    const run = await runCli(['run', dir, '--steps', '5', '--verbose'], { env: cliEnv({ OPENAI_API_KEY: key }) });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Incorrect API key provided');
    expect(run.stderr).toContain('401');
    expect(run.stderr).toContain('hint: Check the API key and api.base_url.');
    expect(`${run.stdout}\n${run.stderr}`).not.toContain(key);
    expect(`${run.stdout}\n${run.stderr}`).not.toContain('0123456789abcdef');

    // The key was sent, once: a 401 is not retried, and no round is stored.
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${key}`);
    const { nodes, calls } = readStored(dir);
    expect(nodes).toEqual([]);
    expect(JSON.stringify(calls)).not.toContain(key);
    expect(existsSync(join(dir, 'steps', 'step_1', 'node.json'))).toBe(false);
  });
});
