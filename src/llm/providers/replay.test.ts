import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../store/index.js';
import type { LlmCallRecord } from '../../domain/index.js';
import { LlmRetriesExhaustedError } from '../errors.js';
import { callFailure } from '../test-support/call-failure.js';
import { runModelCases } from '../test-support/model-cases.js';
import { withRetry } from '../wrappers/retry.js';
import { createReplayModel } from './replay.js';
import { readRecordedCalls, type RecordedCall } from './replay-source.js';

function recorded(role: string, prompt: string, responseText: string, error: string | null = null): RecordedCall {
  return {
    role,
    provider: 'openai-compatible',
    modelId: 'gpt-4o-mini',
    request: { system: null, messages: [{ role: 'user', content: prompt }] },
    responseText,
    usage: { inputTokens: 100, cachedInputTokens: 0, outputTokens: 20 },
    error,
  };
}

const ask = (content: string) => ({ messages: [{ role: 'user' as const, content }] });

runModelCases('replay', async (texts) => ({
  model: createReplayModel({
    calls: texts.map((text) => recorded('researcher', 'any', text)),
    role: 'researcher',
    source: 'test',
    match: 'order',
  }),
  close: async () => undefined,
}));

describe('createReplayModel', () => {
  it('serves the recorded answer to the same prompt, with its usage and model', async () => {
    const model = createReplayModel({
      calls: [recorded('researcher', 'A', 'answer A'), recorded('researcher', 'B', 'answer B')],
      role: 'researcher',
      source: 'run-1',
    });
    // Out of order is fine when matching by prompt.
    const second = await model.generate(ask('B'));
    const first = await model.generate(ask('A'));
    expect([first.text, second.text]).toEqual(['answer A', 'answer B']);
    expect(first.usage).toEqual({ inputTokens: 100, cachedInputTokens: 0, outputTokens: 20 });
    expect(first.response.modelId).toBe('gpt-4o-mini');
    expect(model.modelId).toBe('gpt-4o-mini');
  });

  it('refuses a prompt that differs from every recorded one, saying where it differs', async () => {
    const model = createReplayModel({
      calls: [recorded('analyzer', 'The score was 0.91 after 3.2 s', 'ok')],
      role: 'analyzer',
      source: 'run-1',
    });
    const error = await callFailure(model.generate(ask('The score was 0.91 after 3.5 s')));
    expect(error.isRetryable).toBe(false);
    expect(error.message).toContain('no unserved analyzer call of run-1 has this prompt');
    expect(error.message).toMatch(/at character \d+: recorded ".*3\.2 s.*", now ".*3\.5 s.*"/);
    expect(error.hint).toContain('replay_match: order');
  });

  it('in order mode serves answers in recorded order whatever the prompt', async () => {
    const model = createReplayModel({
      calls: [recorded('judge', 'X', '<score>70</score>'), recorded('judge', 'Y', '<score>80</score>')],
      role: 'judge',
      source: 'run-1',
      match: 'order',
    });
    expect((await model.generate(ask('something else'))).text).toBe('<score>70</score>');
    expect((await model.generate(ask('X'))).text).toBe('<score>80</score>');
  });

  it('says so when every recorded call was served', async () => {
    const model = createReplayModel({
      calls: [recorded('researcher', 'A', 'only one')],
      role: 'researcher',
      source: 'run-1',
    });
    await model.generate(ask('A'));
    const error = await callFailure(model.generate(ask('A')));
    expect(error.message).toContain('all 1 recorded researcher calls of run-1 have been served');
    expect(error.isRetryable).toBe(false);
  });

  it('replays a recorded failure as a retryable error, so a retry wrapper replays the retry too', async () => {
    const calls = [
      recorded('researcher', 'A', '', 'gave no answer within 300000 ms'),
      recorded('researcher', 'A', 'second attempt'),
    ];
    const model = withRetry(createReplayModel({ calls, role: 'researcher', source: 'run-1' }), {
      maxRetries: 1,
      baseDelayMs: 0,
    });
    expect((await model.generate(ask('A'))).text).toBe('second attempt');
    const exhausted = withRetry(createReplayModel({ calls: calls.slice(0, 1), role: 'researcher', source: 'run-1' }), {
      maxRetries: 0,
      baseDelayMs: 0,
    });
    const error = await exhausted.generate(ask('A')).catch((caught: unknown) => caught);
    expect(LlmRetriesExhaustedError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('gave no answer within 300000 ms');
  });
});

describe('readRecordedCalls', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'asi-replay-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const call = (role: string, content: string, step: number): LlmCallRecord => ({
    nodeId: null,
    step,
    role,
    provider: 'openai-compatible',
    modelId: 'gpt-4o',
    request: { system: null, messages: [{ role: 'user', content }] },
    responseText: `answer to ${content}`,
    usage: { inputTokens: 10, cachedInputTokens: undefined, outputTokens: 5 },
    costUsd: 0.001,
    durationMs: 12,
    error: null,
    attempt: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
  });

  it('reads every call of an experiment database in order, from the folder or the file', () => {
    const store = openStore(join(dir, 'asi-evolve.db'));
    store.insertLlmCall(call('analyzer', 'seed', 0));
    store.insertLlmCall(call('researcher', 'round 1', 1));
    store.close();
    for (const path of [dir, join(dir, 'asi-evolve.db')]) {
      const calls = readRecordedCalls(path, 'api.transcript');
      expect(calls.map((entry) => [entry.role, entry.responseText])).toEqual([
        ['analyzer', 'answer to seed'],
        ['researcher', 'answer to round 1'],
      ]);
      expect(calls[0]?.usage).toEqual({ inputTokens: 10, cachedInputTokens: undefined, outputTokens: 5 });
    }
  });

  it('reads step transcripts by step number, then file name', () => {
    const write = (step: number, file: string, role: string, content: string) => {
      mkdirSync(join(dir, 'steps', `step_${step}`, 'llm'), { recursive: true });
      writeFileSync(join(dir, 'steps', `step_${step}`, 'llm', file), JSON.stringify(call(role, content, step)));
    };
    write(10, '01-researcher.json', 'researcher', 'ten');
    write(2, '02-analyzer.json', 'analyzer', 'two-b');
    write(2, '01-researcher.json', 'researcher', 'two-a');
    const calls = readRecordedCalls(join(dir, 'steps'), 'models.replay.transcript');
    expect(calls.map((entry) => entry.responseText)).toEqual(['answer to two-a', 'answer to two-b', 'answer to ten']);
  });

  it('names the key for a path that does not exist or holds no run', () => {
    expect(() => readRecordedCalls(join(dir, 'nothing'), 'api.transcript')).toThrow(
      /does not exist \(api\.transcript\)/,
    );
    expect(() => readRecordedCalls(dir, 'api.transcript')).toThrow(/no asi-evolve\.db and no step_N folders/);
  });
});
