import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdir as mkdirCallback,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFile as writeFileCallback,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileSystemError } from '../errors.js';
import { removeTree } from '../evaluation/index.js';
import type { LlmCallDraft } from './call-context.js';
import type { LlmCallRecord, NodeRecord } from '../domain/index.js';
import { stepFolderName } from '../domain/index.js';

/** `steps/step_N` of an experiment. */
export function stepDirFor(stepsDir: string, step: number): string {
  return join(stepsDir, stepFolderName(step));
}

/**
 * Runs a write to the experiment's files; a full disk or an unwritable folder becomes an
 * AsiEvolveError naming the path (the run stops with one line, and resumes once it is fixed).
 */
function writing<T>(what: string, path: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    throw fileSystemError(error, what, path);
  }
}

/**
 * Makes the step folder for a round's evaluation. Normally it does not exist yet: one mkdir. One
 * left by a round that a crash interrupted is cleared first, so the redo starts clean. It is
 * emptied in place, not removed: a warm sandbox started for the step binds the folder itself
 * (docs/architecture.md, “A round's seam: the warm sandbox”).
 */
export function prepareStepDir(stepsDir: string, step: number): string {
  const dir = stepDirFor(stepsDir, step);
  return writing('cannot prepare the step folder', dir, () => {
    try {
      mkdirSync(dir);
      return dir;
    } catch (error) {
      // EEXIST: left by a crash; ENOENT: steps/ itself is missing (new, or deleted while the run went on).
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST' && code !== 'ENOENT') throw error;
    }
    if (lstatSync(dir, { throwIfNoEntry: false })?.isDirectory() === true) chmodSync(dir, 0o755);
    else rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const name of readdirSync(dir)) {
      // A candidate's scratch or workspace may hold folders without write permission: give them back first.
      removeTree(join(dir, name));
      rmSync(join(dir, name), { recursive: true, force: true });
    }
    return dir;
  });
}

/** One file of a step's mirror of the database: its name under the step folder and its text. */
interface MirrorFile {
  name: string;
  text: string;
}

/**
 * What a committed round leaves beside its step, as the database holds it: every prompt and
 * response of the round (`llm/NN-role.json`, in call order), node.json (the node without its
 * program) and analysis.md. The files are a mirror: `show`, the dashboard and replays read them.
 */
export interface StepMirror {
  stepDir: string;
  transcripts: MirrorFile[];
  nodeJson: string;
  analysisMd: string;
}

export function stepMirrorOf(stepDir: string, calls: readonly LlmCallDraft[], node: NodeRecord): StepMirror {
  return {
    stepDir,
    transcripts: calls.map((call, index) => ({
      name: `${String(index + 1).padStart(2, '0')}-${call.role}.json`,
      text: `${JSON.stringify(call, null, 2)}\n`,
    })),
    nodeJson: `${JSON.stringify(summary(node), null, 2)}\n`,
    analysisMd: `${node.analysis}\n`,
  };
}

/**
 * A round's call as the loop had it when the round was committed, rebuilt from the stored record:
 * the same keys in the same order as the recorder's draft, so a transcript written again from the
 * database is byte for byte the one the round would have written.
 */
export function draftOfStoredCall(call: LlmCallRecord): LlmCallDraft {
  return {
    role: call.role,
    provider: call.provider,
    modelId: call.modelId,
    request: call.request,
    attempt: call.attempt,
    createdAt: call.createdAt,
    responseText: call.responseText,
    usage: call.usage,
    costUsd: call.costUsd,
    durationMs: call.durationMs,
    error: call.error,
  };
}

function summary(node: NodeRecord): Omit<NodeRecord, 'program'> {
  const { program: _program, ...rest } = node;
  return rest;
}

// The callback API, not node:fs/promises: no FileHandle object per file (a fifth to a quarter less of
// the main thread's time per file, measured with 4 files a round).
const mkdir = promisify(mkdirCallback);
const writeFile = promisify(writeFileCallback);

/**
 * Writes a step's mirror files on libuv's thread pool, in the order a reader may rely on:
 * transcripts, node.json, then analysis.md last (present and whole means the step's files are).
 * The folders are made again if they went missing (steps/ deleted while the run went on).
 */
export async function writeStepMirror(mirror: StepMirror): Promise<void> {
  const { stepDir, transcripts } = mirror;
  if (transcripts.length > 0) {
    const dir = join(stepDir, 'llm');
    try {
      await mkdir(dir, { recursive: true });
      for (const file of transcripts) await writeFile(join(dir, file.name), file.text);
    } catch (error) {
      throw fileSystemError(error, 'cannot write the LLM transcripts', dir);
    }
  }
  try {
    // Made with llm/ when the round has transcripts.
    if (transcripts.length === 0) await mkdir(stepDir, { recursive: true });
    await writeFile(join(stepDir, 'node.json'), mirror.nodeJson);
    await writeFile(join(stepDir, 'analysis.md'), mirror.analysisMd);
  } catch (error) {
    throw fileSystemError(error, 'cannot write the node files', stepDir);
  }
}

/**
 * Writes committed rounds' mirror files off the round's path: a round queues them after its
 * commit and goes on while libuv's thread pool writes them, one step after another, each
 * step's files in order. A write that failed is not lost: the next `write` throws it, and so
 * does `drain`, which the run awaits before it returns (a run that crashed waits for the writes
 * with `settle`). The database stays the truth: a run killed before the files were written
 * leaves them to `restoreStepMirrors` at the next start.
 */
export interface StepMirrorWriter {
  /** Queues the files of a committed round; throws (DISK_FULL…) when an earlier write failed. */
  write(mirror: StepMirror): void;
  /** Waits for every queued write; rejects with the first that failed. */
  drain(): Promise<void>;
  /** Waits for every queued write, whatever became of them. */
  settle(): Promise<void>;
}

export function createStepMirrorWriter(): StepMirrorWriter {
  let queue: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | null = null;
  const throwFailure = (): void => {
    if (failure !== null) throw failure.error;
  };
  return {
    write(mirror) {
      throwFailure();
      queue = queue
        // After a failure nothing more is written: the run is stopping, the next one restores the files.
        .then(() => (failure === null ? writeStepMirror(mirror) : undefined))
        .catch((error: unknown) => {
          failure ??= { error };
        });
    },
    async drain() {
      await queue;
      throwFailure();
    },
    settle: () => queue,
  };
}

/** How many rounds `restoreStepMirrors` looks at beyond the run's workers. */
const restoreMargin = 16;

/**
 * The run event each round's commit writes with its node (in the same transaction): their order
 * is the order the rounds were stored in.
 */
export const roundEndEvent = 'round-end';

/** What `restoreStepMirrors` reads of the store. */
export interface MirrorSource {
  getNode(id: number): NodeRecord | undefined;
  listLlmCalls(filter: { nodeId: number }): LlmCallRecord[];
  newestEventSteps(type: string, count: number): number[];
}

/**
 * Writes the mirror files of committed steps that a run killed after its commit left unwritten
 * (or half written), from the database. Only the rounds stored last can be missing them: a run
 * writes each round's files right after its commit. Looks at the `workers + 16` rounds stored
 * last (by their round-end events: a round redone after a crash has a lower step than rounds
 * stored before it), the `workers + 16` highest of `steps` (databases whose round-end events
 * were written apart from the node) and the seed: each whose folder exists and whose
 * analysis.md, written last, is missing or not the stored one. A folder that does not exist is
 * left alone (an imported node, or steps/ moved aside). Returns the steps it wrote.
 */
export async function restoreStepMirrors(
  stepsDir: string,
  source: MirrorSource,
  steps: ReadonlySet<number>,
  workers: number,
): Promise<number[]> {
  const count = Math.max(1, workers) + restoreMargin;
  const candidates = new Set([...source.newestEventSteps(roundEndEvent, count), ...largest(steps, count), 0]);
  const restored: number[] = [];
  for (const step of candidates) {
    const stepDir = stepDirFor(stepsDir, step);
    if (!existsSync(stepDir)) continue;
    const node = source.getNode(step);
    if (node === undefined || node.step !== step) continue;
    // At its commit a node has not been visited yet: node.json holds the count of then.
    const calls = source.listLlmCalls({ nodeId: step }).map(draftOfStoredCall);
    const mirror = stepMirrorOf(stepDir, calls, { ...node, visitCount: 0 });
    if (readTextOrNull(join(stepDir, 'analysis.md')) === mirror.analysisMd) continue;
    await writeStepMirror(mirror);
    restored.push(step);
  }
  return restored;
}

/**
 * The `count` largest steps, largest first: down from the largest, so that 100,000 stored steps
 * cost one pass for the maximum (no sort, no copy) and a few lookups.
 */
function largest(steps: ReadonlySet<number>, count: number): number[] {
  let top = -1;
  for (const step of steps) if (step > top) top = step;
  const kept: number[] = [];
  for (let step = top; step >= 0 && kept.length < count; step--) if (steps.has(step)) kept.push(step);
  return kept;
}

function readTextOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Moves the step folders of an earlier experiment aside when the database holds no node (it was
 * deleted, or is new): a new run would otherwise overwrite them step by step. Returns the folder
 * they were moved to, or null when there were none.
 */
export function moveAsideOldSteps(stepsDir: string, now: Date = new Date()): string | null {
  let names: string[];
  try {
    names = readdirSync(stepsDir);
  } catch {
    return null;
  }
  if (!names.some((name) => /^step_\d+$/.test(name))) return null;
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  let target = `${stepsDir}.old-${stamp}`;
  for (let suffix = 2; existsSync(target); suffix++) target = `${stepsDir}.old-${stamp}-${suffix}`;
  writing('cannot move the old step folders aside', stepsDir, () => renameSync(stepsDir, target));
  return target;
}

/**
 * Replaces the best snapshot (`best/`) atomically: written beside, then renamed over,
 * so a reader never sees half of it.
 */
export function writeBestSnapshot(bestDir: string, node: NodeRecord, programFile: string): void {
  writing('cannot write the best snapshot', bestDir, () => replaceBestSnapshot(bestDir, node, programFile));
}

function replaceBestSnapshot(bestDir: string, node: NodeRecord, programFile: string): void {
  const staging = `${bestDir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, 'code'), node.program);
  if (programFile !== 'code') writeFileSync(join(staging, programFile), node.program);
  writeFileSync(join(staging, 'results.json'), `${JSON.stringify(node.results, null, 2)}\n`);
  writeFileSync(join(staging, 'node.json'), `${JSON.stringify(summary(node), null, 2)}\n`);
  const old = `${bestDir}.old-${process.pid}`;
  rmSync(old, { recursive: true, force: true });
  try {
    renameSync(bestDir, old);
  } catch {
    // no previous snapshot
  }
  renameSync(staging, bestDir);
  rmSync(old, { recursive: true, force: true });
}

/** True when `best/` holds a snapshot of this node (by id and program). */
export function isSnapshotOf(bestDir: string, node: NodeRecord): boolean {
  try {
    const stored = JSON.parse(readFileSync(join(bestDir, 'node.json'), 'utf8')) as { id?: unknown };
    return stored.id === node.id && readFileSync(join(bestDir, 'code'), 'utf8') === node.program;
  } catch {
    return false;
  }
}
