import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** A text file's content, or what is wrong with the file (to be named with its path). */
export type TextFileRead = { ok: true; text: string } | { ok: false; problem: string };

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

/** The line of the first bytes that are not UTF-8 (a newline byte is never inside a UTF-8 sequence). */
function firstBadLine(bytes: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let start = 0;
  for (let index = 0; index <= bytes.length; index++) {
    if (index < bytes.length && bytes[index] !== 0x0a) continue;
    try {
      decoder.decode(bytes.subarray(start, index));
    } catch {
      return line;
    }
    line += 1;
    start = index + 1;
  }
  return line;
}

/**
 * Reads a UTF-8 text file of at most `maxBytes`, refusing without reading it whole a file that is
 * not regular (a device such as /dev/zero, a FIFO that would block forever, a folder) or is too
 * large, and naming the line of bytes that are not UTF-8. Opened non-blocking, so that a FIFO
 * cannot hang the open itself.
 * @example
 * const read = readTextFile(path, 1024 * 1024);
 * if (!read.ok) throw new ConfigError([{ file: path, key: '', message: read.problem }]);
 */
export function readTextFile(path: string, maxBytes: number): TextFileRead {
  let descriptor: number;
  try {
    descriptor = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      problem: code === 'EISDIR' ? 'is a folder, not a text file' : `cannot be read (${(error as Error).message})`,
    };
  }
  let bytes: Buffer;
  try {
    const stats = fstatSync(descriptor);
    if (stats.isDirectory()) return { ok: false, problem: 'is a folder, not a text file' };
    if (!stats.isFile())
      return { ok: false, problem: 'is not a regular file (a device, FIFO or socket); give a text file' };
    if (stats.size > maxBytes)
      return { ok: false, problem: `is ${stats.size} bytes; it may be at most ${sizeText(maxBytes)}` };
    // One byte more than allowed tells a file that grew since fstat from one that did not.
    const buffer = Buffer.alloc(Math.min(maxBytes, stats.size + 64 * 1024) + 1);
    let length = 0;
    for (let read = -1; read !== 0 && length < buffer.length; length += read) {
      read = readSync(descriptor, buffer, length, buffer.length - length, null);
    }
    if (length > maxBytes) return { ok: false, problem: `is over ${sizeText(maxBytes)}, the most it may be` };
    bytes = buffer.subarray(0, length);
  } catch (error) {
    return { ok: false, problem: `cannot be read (${(error as Error).message})` };
  } finally {
    closeSync(descriptor);
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, problem: `line ${firstBadLine(bytes)} has bytes that are not UTF-8; save the file as UTF-8` };
  }
}
