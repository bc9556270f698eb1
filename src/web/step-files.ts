import { closeSync, constants, openSync, readSync, readdirSync, fstatSync } from 'node:fs';
import { join, sep } from 'node:path';
import { resolveInside, type SafePath } from './safe-path.js';
import { stepFolderName } from '../domain/index.js';

/** The end of a text file: at most `maxBytes`, with whether earlier bytes were left out. */
export interface TextTail {
  text: string;
  truncated: boolean;
  totalBytes: number;
}

/** Reads the last `maxBytes` of a regular file as UTF-8 (a split character at the start is dropped); undefined for anything else. */
export function readTail(path: string, maxBytes: number): TextTail | undefined {
  let descriptor: number;
  try {
    // O_NONBLOCK: a candidate may have left a FIFO here, and a plain open would block the server.
    descriptor = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const stats = fstatSync(descriptor);
    if (!stats.isFile()) return undefined;
    const length = Math.min(stats.size, maxBytes);
    const buffer = Buffer.alloc(length);
    const read = readSync(descriptor, buffer, 0, length, stats.size - length);
    let start = 0;
    while (length < stats.size && start < Math.min(3, read) && ((buffer[start] ?? 0) & 0xc0) === 0x80) start += 1;
    return {
      text: buffer.subarray(start, read).toString('utf8'),
      truncated: length < stats.size,
      totalBytes: stats.size,
    };
  } catch {
    return undefined;
  } finally {
    closeSync(descriptor);
  }
}

/** `steps/step_N`, relative to the experiment folder. */
export function stepFolderOf(step: number): string {
  return join('steps', stepFolderName(step));
}

const logNames = ['stdout.log', 'stderr.log', 'evaluator.log'] as const;

/** A file of the step's folder, refused when a link (which a candidate may have made) leads elsewhere in the experiment. */
function stepFile(experimentDir: string, step: number, ...names: string[]): SafePath {
  const file = resolveInside(experimentDir, join(stepFolderOf(step), ...names));
  if (file.ok && !file.relative.startsWith(stepFolderOf(step) + sep))
    return { ok: false, status: 403, reason: 'the link leads outside the step folder' };
  return file;
}

/** The tails of a step's evaluation logs that exist, each at most `maxBytes`. */
export function readStepLogs(experimentDir: string, step: number, maxBytes: number): Record<string, TextTail> {
  const logs: Record<string, TextTail> = {};
  for (const name of logNames) {
    const file = stepFile(experimentDir, step, name);
    if (!file.ok || file.isDirectory) continue;
    const tail = readTail(file.path, maxBytes);
    if (tail !== undefined) logs[name] = tail;
  }
  return logs;
}

/** One transcript file of a step (`steps/step_N/llm/*.json`), parsed; `content` is null when it is not JSON. */
export interface TranscriptFile {
  file: string;
  content: unknown;
  truncated: boolean;
}

/** The step's LLM transcripts in call order; files larger than `maxBytes` are cut and not parsed. */
export function readStepTranscripts(experimentDir: string, step: number, maxBytes: number): TranscriptFile[] {
  const folder = stepFile(experimentDir, step, 'llm');
  if (!folder.ok || !folder.isDirectory) return [];
  const names = readdirSync(folder.path)
    .filter((name) => name.endsWith('.json'))
    .sort();
  const transcripts: TranscriptFile[] = [];
  for (const name of names) {
    const file = stepFile(experimentDir, step, 'llm', name);
    if (!file.ok || file.isDirectory) continue;
    const tail = readTail(file.path, maxBytes);
    if (tail === undefined) continue;
    let content: unknown = null;
    if (!tail.truncated) {
      try {
        content = JSON.parse(tail.text);
      } catch {
        content = null;
      }
    }
    transcripts.push({ file: name, content: content ?? tail.text, truncated: tail.truncated });
  }
  return transcripts;
}
