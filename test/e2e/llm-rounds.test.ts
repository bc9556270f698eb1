import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  analysisAnswer,
  diffAnswer,
  fakeApi,
  fakeUsage,
  makeExperiment,
  readStored,
  rewriteAnswer,
  runCli,
  stepFile,
  startFakeLlm,
  useE2eCleanup,
  type LlmRequest,
} from './helpers.js';

useE2eCleanup();

interface Transcript {
  role: string;
  request: { messages: Array<{ role: string; content: string }> };
  responseText: string;
  usage: { inputTokens?: number; outputTokens?: number };
  error: string | null;
}

function transcripts(dir: string, step: number): Array<{ file: string; call: Transcript }> {
  const folder = join(dir, 'steps', `step_${step}`, 'llm');
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .sort()
    .map((file) => ({ file, call: JSON.parse(readFileSync(join(folder, file), 'utf8')) as Transcript }));
}

const analyse = (request: LlmRequest) =>
  analysisAnswer(`Analysis of round ${request.round}: the score moved as predicted.`);

describe('rounds designed by an OpenAI-compatible LLM (loopback fake server)', () => {
  it('full rewrite: nodes, transcripts, llm_calls and analyses come from the LLM', async () => {
    const { server, calls } = await startFakeLlm((request) => {
      if (request.role === 'analyzer') return analyse(request);
      const round = request.round ?? 0;
      return rewriteAnswer(
        `idea-${round}`,
        `Raise the score to ${round + 1} (round ${round}).`,
        `# round ${round}\nscore = ${round + 1}\n`,
      );
    });
    const dir = makeExperiment({
      initialProgram: 'score = 1\n',
      config: { api: fakeApi(server.url), pipeline: { researcher: { diff_based_evolution: false } } },
    });

    const run = await runCli(['run', dir, '--steps', '2']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`LLM: test-model at ${server.url}`);

    const { nodes, calls: stored } = readStored(dir);
    expect(nodes.map((node) => [node.id, node.name, node.score, node.operator])).toEqual([
      [0, 'seed', 1, 'seed'],
      [1, 'idea-1', 2, 'llm'],
      [2, 'idea-2', 3, 'llm'],
    ]);
    const first = nodes[1]!;
    expect(first.motivation).toBe('Raise the score to 2 (round 1).');
    expect(first.program).toBe('# round 1\nscore = 2\n');
    expect(first.provenance).toBe('novel');
    expect(first.analysis).toBe('Analysis of round 1: the score moved as predicted.');
    expect(nodes[0]!.analysis).toBe('Analysis of round 0: the score moved as predicted.');
    expect(first.metadata.design).toMatchObject({ mode: 'full-rewrite', attempts: 1 });
    expect(first.usage).toEqual({
      inputTokens: 2 * fakeUsage.prompt_tokens,
      cachedInputTokens: 0,
      outputTokens: 2 * fakeUsage.completion_tokens,
    });

    // One researcher and one analyzer call per round, with token usage, filed under the node.
    expect(
      stored
        .filter((call) => call.nodeId === 1)
        .map((call) => [call.role, call.usage.inputTokens, call.usage.outputTokens, call.error]),
    ).toEqual([
      ['researcher', fakeUsage.prompt_tokens, fakeUsage.completion_tokens, null],
      ['analyzer', fakeUsage.prompt_tokens, fakeUsage.completion_tokens, null],
    ]);
    expect(stored.every((call) => call.modelId === 'test-model')).toBe(true);
    expect(stored).toHaveLength(5);

    // The same calls, with prompt and response, beside the step.
    const step1 = transcripts(dir, 1);
    expect(step1.map((entry) => entry.file)).toEqual(['01-researcher.json', '02-analyzer.json']);
    expect(step1[0]!.call.request.messages[0]!.content).toContain('This is round 1.');
    expect(step1[0]!.call.responseText).toContain('<name>idea-1</name>');
    expect(step1[1]!.call.request.messages[0]!.content).toContain('score = 2');
    expect(step1[1]!.call.responseText).toContain('Analysis of round 1');
    expect(stepFile(dir, 1, 'code')).toBe(first.program);
    expect(JSON.parse(stepFile(dir, 1, 'results.json')).eval_score).toBe(2);
    expect(stepFile(dir, 1, 'analysis.md')).toContain('Analysis of round 1');
    expect(readFileSync(join(dir, 'best', 'code'), 'utf8')).toBe(nodes[2]!.program);

    // The loop is closed: round 2's prompt shows round 1's candidate with its analysis.
    const round2 = calls.find((request) => request.role === 'researcher' && request.round === 2)!;
    expect(round2.messages[0]!.content).toContain('idea-1');
    expect(round2.messages[0]!.content).toContain('Analysis of round 1: the score moved as predicted.');
  });

  it('diff mode: blocks apply to the parent; a block that does not match is reported back; one that never matches falls back to a full rewrite', async () => {
    const seed = '# seed\nwidth = 4\nscore = 1\n';
    const { calls, server } = await startFakeLlm((request) => {
      if (request.role === 'analyzer') return analyse(request);
      if (request.round === 1) {
        return request.turn === 1
          ? diffAnswer('bad-edit', 'Raise the score.', [['score = 99', 'score = 3']])
          : diffAnswer('good-edit', 'Raise the score, copying the line exactly.', [['score = 1', 'score = 3']]);
      }
      if (!request.diffMode)
        return rewriteAnswer('rewritten', 'A full rewrite after failed edits.', '# rewritten\nscore = 5\n');
      return diffAnswer('never-matches', 'Edit a line that is not there.', [
        [`score = ${40 + request.turn}`, 'score = 6'],
      ]);
    });
    const dir = makeExperiment({ initialProgram: seed, config: { api: fakeApi(server.url) } });
    const run = await runCli(['run', dir, '--steps', '2']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    const { nodes } = readStored(dir);
    const edited = nodes[1]!;
    expect(edited.name).toBe('good-edit');
    expect(edited.operator).toBe('llm');
    expect(edited.program).toBe('# seed\nwidth = 4\nscore = 3\n');
    expect(edited.parentIds[0]).toBe(0);
    expect(edited.score).toBe(3);
    expect(edited.metadata.design).toMatchObject({ mode: 'diff', attempts: 2, fallback: false, blocks: 1 });

    // The follow-up request names the failing block and its SEARCH text.
    const round1 = calls.filter((request) => request.role === 'researcher' && request.round === 1);
    expect(round1.map((request) => request.turn)).toEqual([1, 2]);
    expect(round1[0]!.diffMode).toBe(true);
    expect(round1[1]!.lastUser).toContain('did not apply');
    expect(round1[1]!.lastUser).toContain('block 1');
    expect(round1[1]!.lastUser).toContain('score = 99');
    expect(transcripts(dir, 1).map((entry) => entry.file)).toEqual([
      '01-researcher.json',
      '02-researcher.json',
      '03-analyzer.json',
    ]);

    // Never matching: one repair (diff_retries 1), then a fresh full-rewrite conversation.
    const fallback = nodes[2]!;
    expect(fallback.operator).toBe('llm:full-rewrite-fallback');
    expect(fallback.program).toBe('# rewritten\nscore = 5\n');
    expect(fallback.score).toBe(5);
    expect(fallback.metadata.design).toMatchObject({ mode: 'diff', fallback: true, attempts: 3 });
    const round2 = calls.filter((request) => request.role === 'researcher' && request.round === 2);
    expect(round2.map((request) => [request.diffMode, request.turn])).toEqual([
      [true, 1],
      [true, 2],
      [false, 1],
    ]);
    expect(round2[1]!.lastUser).toContain('score = 41');
  });

  it('an answer without tags is asked again; one that never gets tags is a failed node and the run goes on', async () => {
    const { calls, server } = await startFakeLlm((request) => {
      if (request.role === 'analyzer') return analyse(request);
      if (request.round === 2 || (request.round === 1 && request.turn === 1)) {
        return { text: 'I would raise the score a little, perhaps to 7.', usage: fakeUsage };
      }
      return rewriteAnswer(`tagged-${request.round}`, 'Tagged this time.', `score = ${10 + (request.round ?? 0)}\n`);
    });
    const dir = makeExperiment({
      initialProgram: 'score = 1\n',
      config: {
        api: fakeApi(server.url),
        pipeline: { max_retries: { researcher: 1 }, researcher: { diff_based_evolution: false } },
      },
    });

    const run = await runCli(['run', dir, '--steps', '3']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Run done: 3/3 rounds');

    const { nodes, calls: stored } = readStored(dir);
    expect(nodes.map((node) => [node.id, node.success, node.name])).toEqual([
      [0, true, 'seed'],
      [1, true, 'tagged-1'],
      [2, false, 'design-failed'],
      [3, true, 'tagged-3'],
    ]);
    const round1 = calls.filter((request) => request.role === 'researcher' && request.round === 1);
    expect(round1).toHaveLength(2);
    expect(round1[1]!.lastUser).toContain('could not be used');
    expect(round1[1]!.lastUser).toContain('<name>');

    const failed = nodes[2]!;
    expect(failed.error).toMatch(/^design: the Researcher gave no usable answer in 2 attempts/);
    expect(failed.error).toContain('missing <name>, <motivation>, <code>');
    expect(failed.program).toBe('');
    expect(failed.score).toBeNull();
    // Its calls are kept with it, in the database and beside the step.
    expect(stored.filter((call) => call.nodeId === 2).map((call) => call.role)).toEqual(['researcher', 'researcher']);
    expect(transcripts(dir, 2).map((entry) => entry.file)).toEqual(['01-researcher.json', '02-researcher.json']);
    expect(JSON.parse(stepFile(dir, 2, 'node.json'))).toMatchObject({ id: 2, success: false });
    expect(nodes[3]!.score).toBe(13);
  });
});
