import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AsiEvolveError } from '../../errors.js';
import { buildEvaluatorEnv, runSandboxed } from '../../evaluation/index.js';
import { scriptedModel } from '../test-support/fixtures.js';
import {
  createStaticCheck,
  loadStaticCheck,
  loadStaticCheckTemplate,
  parseVerdict,
  type RunCheckCommand,
} from './static-check.js';

const root = mkdtempSync(join(tmpdir(), 'asi-static-check-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
/** Runs `command` on the program in a sandboxed step folder, as the loop does. */
function commandRunner(command: string): RunCheckCommand {
  return (program) => {
    counter += 1;
    return runSandboxed(
      {
        stepDir: join(root, 'steps', `step_${counter}`),
        experimentDir: root,
        command,
        program,
        programFile: 'program.py',
        timeoutMs: 10_000,
        killGraceMs: 500,
        maxOutputBytes: 16_384,
        limits: {},
        env: buildEvaluatorEnv(process.env, [], {}),
        sandbox: { mode: 'auto', network: false, readPaths: [] },
      },
      { requireResults: false },
    );
  };
}

const input = {
  task: 'Pack circles.',
  step: 4,
  name: 'grid',
  motivation: 'a grid',
  program: 'import numpy\nprint(1)\n',
};
const noImports = commandRunner('if grep -n "^import" "$1"; then echo "imports are not allowed" >&2; exit 1; fi');

describe('parseVerdict', () => {
  it('reads pass or reject with the reason, and refuses anything else', () => {
    expect(parseVerdict('<verdict> Reject </verdict><reason>uses the network</reason>')).toEqual({
      verdict: 'reject',
      reason: 'uses the network',
    });
    expect(parseVerdict('<verdict>pass</verdict>')).toEqual({ verdict: 'pass', reason: '' });
    expect(() => parseVerdict('looks fine')).toThrow(/no <verdict>/);
    expect(() => parseVerdict('<verdict>maybe</verdict>')).toThrow(/pass or reject/);
  });
});

describe('createStaticCheck', () => {
  it('rejects by the user command with its exit message and output, without asking the LLM', async () => {
    const model = scriptedModel([]);
    const gate = createStaticCheck({
      command: noImports,
      review: { model, template: loadStaticCheckTemplate(root), constraints: 'c', maxRetries: 0 },
    });
    const verdict = await gate.check(input);
    expect(verdict).toMatchObject({ status: 'reject', by: 'command' });
    expect(verdict.status === 'reject' && verdict.reason).toBe(
      'exited with code 1: imports are not allowed\n1:import numpy\nimports are not allowed',
    );
    expect(model.calls).toHaveLength(0);
  });

  it('passes the command, then rejects by the LLM review against the constraints', async () => {
    const model = scriptedModel(['<verdict>reject</verdict><reason>prints instead of returning the packing</reason>']);
    const gate = createStaticCheck({
      command: commandRunner('test -s "$1"'),
      review: { model, template: loadStaticCheckTemplate(root), constraints: 'Never print.', maxRetries: 0 },
    });
    const verdict = await gate.check(input);
    expect(verdict).toEqual({
      status: 'reject',
      by: 'llm',
      reason: 'prints instead of returning the packing',
      notes: ['command: passed'],
    });
    const prompt = model.calls[0]?.messages[0]?.content ?? '';
    expect(prompt).toContain('Never print.');
    expect(prompt).toContain('import numpy');
  });

  it('asks again after an answer without a verdict, and passes with a note when none comes', async () => {
    const model = scriptedModel(['fine by me', '<verdict>pass</verdict><reason>no constraint is violated</reason>']);
    const gate = createStaticCheck({
      command: null,
      review: { model, template: loadStaticCheckTemplate(root), constraints: 'c', maxRetries: 1 },
    });
    expect(await gate.check(input)).toEqual({ status: 'pass', notes: ['review: no constraint is violated'] });
    const silent = createStaticCheck({
      command: null,
      review: { model: scriptedModel(['?']), template: loadStaticCheckTemplate(root), constraints: 'c', maxRetries: 0 },
    });
    const verdict = await silent.check(input);
    expect(verdict.status).toBe('pass');
    expect(verdict.notes[0]).toContain('review gave no verdict');
  });

  it('throws an LLM failure to the caller', async () => {
    const model = scriptedModel([]);
    const gate = createStaticCheck({
      command: null,
      review: { model, template: loadStaticCheckTemplate(root), constraints: 'c', maxRetries: 0 },
    });
    await expect(gate.check(input)).rejects.toThrow(/no answer/);
  });
});

describe('loadStaticCheck', () => {
  const section = { enabled: true, constraints_file: 'constraints.md' };
  const runCommand = commandRunner('true');

  it('is off unless enabled', () => {
    expect(
      loadStaticCheck({
        section: { ...section, enabled: false },
        experimentDir: root,
        model: null,
        maxRetries: 0,
        runCommand,
      }).gate,
    ).toBeNull();
  });

  it('refuses to be enabled with neither a constraints file nor a command', () => {
    let error: unknown;
    try {
      loadStaticCheck({
        section,
        experimentDir: join(root, 'empty'),
        model: scriptedModel([]),
        maxRetries: 0,
        runCommand,
      });
    } catch (caught) {
      error = caught;
    }
    expect(AsiEvolveError.isInstance(error) && [error.code, error.key]).toEqual([
      'CONFIG_INVALID',
      'pipeline.static_check',
    ]);
  });

  it('builds the review from constraints.md and a model, and says when the review is skipped', async () => {
    const experiment = join(root, 'with-constraints');
    mkdirSync(experiment, { recursive: true });
    writeFileSync(join(experiment, 'constraints.md'), 'No hard-coded answers.\n');
    const reviewed = loadStaticCheck({
      section,
      experimentDir: experiment,
      model: scriptedModel(['<verdict>pass</verdict>']),
      maxRetries: 0,
      runCommand,
    });
    expect(reviewed.notices).toEqual(['Static check before each evaluation: LLM review against constraints.md.']);
    expect((await reviewed.gate?.check(input))?.status).toBe('pass');
    const skipped = loadStaticCheck({
      section: { ...section, command: 'true' },
      experimentDir: experiment,
      model: null,
      maxRetries: 0,
      runCommand,
    });
    expect(skipped.notices).toEqual([
      'Static check: no LLM configured, so the review against constraints.md is skipped.',
      'Static check before each evaluation: command `true`.',
    ]);
  });
});
