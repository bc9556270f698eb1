import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NodeRecord } from '../domain/index.js';
import { AsiEvolveError } from '../errors.js';
import { withRecorder } from '../llm/index.js';
import { createScriptedModel } from '../llm/test-support/scripted.js';
import { createTempStore, makeNode, type TempStore } from '../store/test-support/fixtures.js';
import type { LlmCallDraft } from './call-context.js';
import {
  createStepMirrorWriter,
  prepareStepDir,
  restoreStepMirrors,
  roundEndEvent,
  stepDirFor,
  stepMirrorOf,
  writeStepMirror,
  type StepMirror,
} from './step-files.js';

let dir: string;
let stepsDir: string;
let temp: TempStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'asi-step-files-'));
  stepsDir = join(dir, 'steps');
  temp = createTempStore();
});
afterEach(() => {
  temp.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** Two calls as the real recorder reports them (its key order is what a transcript shows). */
async function recordedCalls(): Promise<LlmCallDraft[]> {
  const calls: LlmCallDraft[] = [];
  const researcher = withRecorder(createScriptedModel(['<name>a</name>']), {
    role: 'researcher',
    onCall: (call) => calls.push(call),
  });
  const analyzer = withRecorder(createScriptedModel(['fine']), {
    role: 'analyzer',
    onCall: (call) => calls.push(call),
  });
  await researcher.generate({ system: 'design', messages: [{ role: 'user', content: 'a "quoted" ünïcödé task' }] });
  await analyzer.generate({ messages: [{ role: 'user', content: 'analyse' }], temperature: 0.3 });
  return calls;
}

/** Every file of a step folder, by path under it. */
function filesOf(stepDir: string, mirror: StepMirror): Record<string, string | null> {
  const read = (path: string): string | null => (existsSync(path) ? readFileSync(path, 'utf8') : null);
  const files: Record<string, string | null> = {
    'node.json': read(join(stepDir, 'node.json')),
    'analysis.md': read(join(stepDir, 'analysis.md')),
  };
  for (const file of mirror.transcripts) files[`llm/${file.name}`] = read(join(stepDir, 'llm', file.name));
  return files;
}

function expectedFiles(mirror: StepMirror): Record<string, string> {
  const files: Record<string, string> = { 'node.json': mirror.nodeJson, 'analysis.md': mirror.analysisMd };
  for (const file of mirror.transcripts) files[`llm/${file.name}`] = file.text;
  return files;
}

function storedNode(step: number, analysis = `analysis of step ${step}`): NodeRecord {
  return { ...makeNode({ step, analysis }), id: step, visitCount: 0, createdAt: '2026-01-02T03:04:05.000Z' };
}

describe('prepareStepDir', () => {
  it('makes a missing step folder, and steps/ with it', () => {
    const stepDir = prepareStepDir(stepsDir, 4);
    expect(stepDir).toBe(stepDirFor(stepsDir, 4));
    expect(existsSync(stepDir)).toBe(true);
    expect(existsSync(join(stepDir, 'anything'))).toBe(false);
  });

  it('clears a folder a crash left behind, unwritable sub-folders included', () => {
    const stepDir = stepDirFor(stepsDir, 2);
    mkdirSync(join(stepDir, 'scratch', 'locked'), { recursive: true });
    writeFileSync(join(stepDir, 'scratch', 'locked', 'stale.txt'), 'left by a crash');
    writeFileSync(join(stepDir, 'node.json'), '{}');
    chmodSync(join(stepDir, 'scratch', 'locked'), 0o500);
    chmodSync(join(stepDir, 'scratch'), 0o500);
    expect(prepareStepDir(stepsDir, 2)).toBe(stepDir);
    expect(existsSync(stepDir)).toBe(true);
    expect(existsSync(join(stepDir, 'scratch'))).toBe(false);
    expect(existsSync(join(stepDir, 'node.json'))).toBe(false);
  });
});

describe('createStepMirrorWriter', () => {
  it('writes the files of each step as writeStepMirror does, all on disk once drained', async () => {
    const calls = await recordedCalls();
    const writer = createStepMirrorWriter();
    const mirrors = [1, 2, 3].map((step) => stepMirrorOf(stepDirFor(stepsDir, step), calls, storedNode(step)));
    for (const mirror of mirrors) writer.write(mirror);
    await writer.drain();
    for (const mirror of mirrors) expect(filesOf(mirror.stepDir, mirror)).toEqual(expectedFiles(mirror));
    // The same bytes as writing the step at once (what recovery at start-up does).
    const again = stepMirrorOf(join(dir, 'sync'), calls, storedNode(1));
    await writeStepMirror(again);
    expect(filesOf(again.stepDir, again)).toEqual(filesOf(mirrors[0]!.stepDir, mirrors[0]!));
    expect(Object.keys(filesOf(again.stepDir, again))).toEqual([
      'node.json',
      'analysis.md',
      'llm/01-researcher.json',
      'llm/02-analyzer.json',
    ]);
  });

  it('writes in the order queued: a later write of the same step wins', async () => {
    const writer = createStepMirrorWriter();
    const stepDir = stepDirFor(stepsDir, 5);
    for (let version = 1; version <= 20; version++)
      writer.write(
        stepMirrorOf(stepDir, [], storedNode(5, `version ${version} ${'x'.repeat(20_000 - version * 900)}`)),
      );
    await writer.drain();
    expect(readFileSync(join(stepDir, 'analysis.md'), 'utf8')).toMatch(/^version 20 x+\n$/);
    expect(JSON.parse(readFileSync(join(stepDir, 'node.json'), 'utf8'))).toMatchObject({
      analysis: expect.stringMatching(/^version 20 /),
    });
  });

  it('reports a full disk: drain rejects with DISK_FULL naming the folder, the next write throws it, nothing after is written', async () => {
    const writer = createStepMirrorWriter();
    const full = stepDirFor(stepsDir, 1);
    mkdirSync(full, { recursive: true });
    // Writes to /dev/full fail with ENOSPC: a real full disk, for this one file.
    symlinkSync('/dev/full', join(full, 'node.json'));
    writer.write(stepMirrorOf(full, [], storedNode(1)));
    writer.write(stepMirrorOf(stepDirFor(stepsDir, 2), [], storedNode(2)));
    const failure = await writer.drain().then(
      () => null,
      (error: unknown) => error,
    );
    expect(AsiEvolveError.isInstance(failure) && failure.code).toBe('DISK_FULL');
    expect(String((failure as Error).message)).toContain('cannot write the node files: the disk is full');
    expect((failure as AsiEvolveError).file).toBe(full);
    expect(existsSync(join(full, 'analysis.md'))).toBe(false);
    expect(existsSync(stepDirFor(stepsDir, 2))).toBe(false);
    expect(() => writer.write(stepMirrorOf(stepDirFor(stepsDir, 3), [], storedNode(3)))).toThrow(failure as Error);
    await writer.settle();
    expect(existsSync(stepDirFor(stepsDir, 3))).toBe(false);
  });
});

describe('restoreStepMirrors', () => {
  it('rewrites, from the database, the files of the newest steps that are missing or half written, byte for byte', async () => {
    const store = temp.open();
    const calls = await recordedCalls();
    const written = new Map<number, StepMirror>();
    for (let step = 0; step <= 30; step++) {
      const node = store.insertNode(
        { ...makeNode({ step, analysis: `analysis ${step}\nwith lines` }), id: step },
        { calls: step % 3 === 0 ? [] : calls.map((call) => ({ ...call, nodeId: step, step })) },
      );
      const mirror = stepMirrorOf(stepDirFor(stepsDir, step), step % 3 === 0 ? [] : calls, node);
      await writeStepMirror(mirror);
      written.set(step, mirror);
    }
    // Later rounds visited some nodes: node.json keeps the count of the commit.
    store.insertNode({ ...makeNode({ step: 31 }), id: 31 }, { visitedIds: [29, 30] });
    const mirrorOf = (step: number): StepMirror => written.get(step)!;
    // Killed before the files of 30 and 29 were written, while 28's analysis.md was half written.
    for (const step of [30, 29]) {
      rmSync(join(mirrorOf(step).stepDir, 'llm'), { recursive: true, force: true });
      rmSync(join(mirrorOf(step).stepDir, 'node.json'));
      rmSync(join(mirrorOf(step).stepDir, 'analysis.md'));
    }
    writeFileSync(join(mirrorOf(28).stepDir, 'llm', '02-analyzer.json'), '{"ro');
    writeFileSync(join(mirrorOf(28).stepDir, 'analysis.md'), 'analysis 2');
    // An old step (beyond the newest ones looked at) and one whose folder is gone are left alone.
    rmSync(join(mirrorOf(2).stepDir, 'analysis.md'));
    rmSync(mirrorOf(26).stepDir, { recursive: true });

    const steps = new Set(Array.from({ length: 30 }, (_, index) => index + 1));
    const restored = await restoreStepMirrors(stepsDir, store, steps, 2);
    expect(restored.sort((left, right) => left - right)).toEqual([28, 29, 30]);
    for (const step of [28, 29, 30])
      expect(filesOf(mirrorOf(step).stepDir, mirrorOf(step))).toEqual(expectedFiles(mirrorOf(step)));
    expect(existsSync(join(mirrorOf(2).stepDir, 'analysis.md'))).toBe(false);
    expect(existsSync(mirrorOf(26).stepDir)).toBe(false);
    // Nothing left to do: a second start writes nothing.
    expect(await restoreStepMirrors(stepsDir, store, steps, 2)).toEqual([]);
  });

  it('finds a round redone after a crash by when it was stored, though its step is far below the newest', async () => {
    const store = temp.open();
    const insert = async (step: number): Promise<StepMirror> => {
      const node = store.insertNode(
        { ...makeNode({ step, analysis: `analysis ${step}` }), id: step },
        { events: [{ type: roundEndEvent, message: `step ${step}` }] },
      );
      const mirror = stepMirrorOf(stepDirFor(stepsDir, step), [], node);
      await writeStepMirror(mirror);
      return mirror;
    };
    // A run with many workers stored rounds up to 60 but for 5, in flight when it was killed; the
    // next run redid 5 first and was killed between its commit and its files.
    for (let step = 1; step <= 60; step++) if (step !== 5) await insert(step);
    const redone = await insert(5);
    rmSync(join(redone.stepDir, 'analysis.md'));
    rmSync(join(redone.stepDir, 'node.json'));
    const steps = new Set(Array.from({ length: 60 }, (_, index) => index + 1));
    expect(await restoreStepMirrors(stepsDir, store, steps, 1)).toEqual([5]);
    expect(filesOf(redone.stepDir, redone)).toEqual(expectedFiles(redone));
  });

  it('restores the seed (step 0), which completed steps do not count', async () => {
    const store = temp.open();
    const seed = store.insertNode({ ...makeNode({ step: 0, analysis: 'the seed' }), id: 0 }, {});
    const mirror = stepMirrorOf(stepDirFor(stepsDir, 0), [], seed);
    mkdirSync(mirror.stepDir, { recursive: true });
    expect(await restoreStepMirrors(stepsDir, store, new Set(), 1)).toEqual([0]);
    expect(filesOf(mirror.stepDir, mirror)).toEqual(expectedFiles(mirror));
  });
});
