import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileSystemError } from '../errors.js';
import { removeTree } from '../evaluation/index.js';
import type { LlmCallDraft } from './call-context.js';
import type { NodeRecord } from '../domain/index.js';
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

/** Clears a step folder left by a round that a crash interrupted, so the redo starts clean. */
export function prepareStepDir(stepsDir: string, step: number): string {
  const dir = stepDirFor(stepsDir, step);
  return writing('cannot prepare the step folder', dir, () => {
    // A candidate's scratch or workspace may hold folders without write permission: give them back first.
    removeTree(dir);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    return dir;
  });
}

/** Every prompt and response of the round, one JSON file per call, in call order. */
export function writeTranscripts(stepDir: string, calls: readonly LlmCallDraft[]): void {
  if (calls.length === 0) return;
  const dir = join(stepDir, 'llm');
  writing('cannot write the LLM transcripts', dir, () => {
    mkdirSync(dir, { recursive: true });
    calls.forEach((call, index) => {
      const name = `${String(index + 1).padStart(2, '0')}-${call.role}.json`;
      writeFileSync(join(dir, name), `${JSON.stringify(call, null, 2)}\n`);
    });
  });
}

function summary(node: NodeRecord): Omit<NodeRecord, 'program'> {
  const { program: _program, ...rest } = node;
  return rest;
}

/**
 * The node as stored, beside its step: node.json (all but the program) and analysis.md. The
 * folder is made again if it went missing (steps/ deleted while the run went on).
 */
export function writeNodeFiles(stepDir: string, node: NodeRecord): void {
  writing('cannot write the node files', stepDir, () => {
    mkdirSync(stepDir, { recursive: true });
    writeFileSync(join(stepDir, 'node.json'), `${JSON.stringify(summary(node), null, 2)}\n`);
    writeFileSync(join(stepDir, 'analysis.md'), `${node.analysis}\n`);
  });
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
