import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LlmCallDraft } from './call-context.js';
import type { NodeRecord } from '../domain/index.js';

/** `steps/step_N` of an experiment. */
export function stepDirFor(stepsDir: string, step: number): string {
  return join(stepsDir, `step_${step}`);
}

/** Clears a step folder left by a round that a crash interrupted, so the redo starts clean. */
export function prepareStepDir(stepsDir: string, step: number): string {
  const dir = stepDirFor(stepsDir, step);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Every prompt and response of the round, one JSON file per call, in call order. */
export function writeTranscripts(stepDir: string, calls: readonly LlmCallDraft[]): void {
  if (calls.length === 0) return;
  const dir = join(stepDir, 'llm');
  mkdirSync(dir, { recursive: true });
  calls.forEach((call, index) => {
    const name = `${String(index + 1).padStart(2, '0')}-${call.role}.json`;
    writeFileSync(join(dir, name), `${JSON.stringify(call, null, 2)}\n`);
  });
}

function summary(node: NodeRecord): Omit<NodeRecord, 'program'> {
  const { program: _program, ...rest } = node;
  return rest;
}

/** The node as stored, beside its step: node.json (all but the program) and analysis.md. */
export function writeNodeFiles(stepDir: string, node: NodeRecord): void {
  writeFileSync(join(stepDir, 'node.json'), `${JSON.stringify(summary(node), null, 2)}\n`);
  writeFileSync(join(stepDir, 'analysis.md'), `${node.analysis}\n`);
}

/**
 * Replaces the best snapshot (`best/`) atomically: written beside, then renamed over,
 * so a reader never sees half of it.
 */
export function writeBestSnapshot(bestDir: string, node: NodeRecord, programFile: string): void {
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
