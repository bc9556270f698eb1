import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AsiEvolveError } from '../../errors.js';
import { ResponseFormatError } from '../errors.js';
import { scriptedModel } from '../test-support/fixtures.js';
import { createLlmDebugAgent, parseRepairAnswer } from './debug-agent.js';
import { loadDebugTemplate } from './template.js';

const folder = mkdtempSync(join(tmpdir(), 'asi-debug-agent-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const broken = 'print(undefined_name)\n';
const request = {
  task: 'Print a number.',
  program: broken,
  error: "exit-code: exited with code 1: NameError: name 'undefined_name' is not defined",
  errorTail: "Traceback (most recent call last):\nNameError: name 'undefined_name' is not defined\n",
  attempt: 1,
  maxAttempts: 2,
  previous: [],
};

describe('parseRepairAnswer', () => {
  it('reads the program and the explanation, removing a fence around the whole program', () => {
    const answer =
      '<think>hmm</think><explanation>The name was never defined.</explanation>\n<code>\n```python\nprint(42)\n```\n</code>';
    expect(parseRepairAnswer(answer, broken)).toEqual({
      program: 'print(42)\n',
      explanation: 'The name was never defined.',
    });
  });

  it('refuses a missing, empty, unchanged or oversized program', () => {
    expect(() => parseRepairAnswer('no tags here', broken)).toThrow(/no <code>/);
    expect(() => parseRepairAnswer('<code>\n  \n</code>', broken)).toThrow(/empty/);
    expect(() => parseRepairAnswer(`<code>\n${broken}</code>`, broken)).toThrow(/unchanged/);
    expect(() => parseRepairAnswer('<code>print(1)</code>', broken, 3)).toThrow(/more than the 3 allowed/);
  });
});

describe('createLlmDebugAgent', () => {
  it('shows the program, the error and the error tail, and reads the fixed program', async () => {
    const model = scriptedModel(['<explanation>define it</explanation><code>\nprint(7)\n</code>']);
    const agent = createLlmDebugAgent({ model, template: loadDebugTemplate(folder), maxRetries: 1 });
    const repair = await agent.repair({
      ...request,
      previous: [{ attempt: 1, error: 'exit-code: earlier failure' }],
      attempt: 2,
    });
    expect(repair).toEqual({ program: 'print(7)\n', explanation: 'define it' });
    const prompt = model.calls[0]?.messages[0]?.content ?? '';
    expect(prompt).toContain(broken.trim());
    expect(prompt).toContain("NameError: name 'undefined_name' is not defined");
    expect(prompt).toContain('repair attempt 2 of 2');
    expect(prompt).toContain('attempt 1 still failed: exit-code: earlier failure');
  });

  it('reports an unusable answer back, then gives up with a ResponseFormatError', async () => {
    const model = scriptedModel(['I would fix it like this.', '<code>print(1)</code>']);
    const agent = createLlmDebugAgent({ model, template: loadDebugTemplate(folder), maxRetries: 1 });
    expect((await agent.repair(request)).program).toBe('print(1)');
    expect(model.calls[1]?.messages.at(-1)?.content).toContain('no <code>');
    const stubborn = createLlmDebugAgent({
      model: scriptedModel(['nothing', 'still nothing']),
      template: loadDebugTemplate(folder),
      maxRetries: 1,
    });
    await expect(stubborn.repair(request)).rejects.toBeInstanceOf(ResponseFormatError);
  });
});

describe('loadDebugTemplate', () => {
  it('uses prompts/debug.jinja2 of the experiment, and refuses a broken one naming the file', () => {
    const experiment = join(folder, 'custom');
    mkdirSync(join(experiment, 'prompts'), { recursive: true });
    writeFileSync(join(experiment, 'prompts', 'debug.jinja2'), 'Fix: {{ error }} (attempt {{ attempt }})');
    expect(loadDebugTemplate(experiment).render({ error: 'boom', attempt: 3 })).toBe('Fix: boom (attempt 3)');
    writeFileSync(join(experiment, 'prompts', 'debug.jinja2'), 'Fix: {% if %}');
    let error: unknown;
    try {
      loadDebugTemplate(experiment);
    } catch (caught) {
      error = caught;
    }
    expect(AsiEvolveError.isInstance(error) && error.code).toBe('CONFIG_INVALID');
    expect((error as Error).message).toContain('debug.jinja2');
  });
});
