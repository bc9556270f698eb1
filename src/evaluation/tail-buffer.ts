/**
 * Keeps only the last `capacity` bytes written to it, so that a candidate printing gigabytes
 * cannot grow the coordinator's memory. Memory stays under `capacity` plus one chunk.
 */
export class TailBuffer {
  readonly capacity: number;
  /** Every byte ever pushed, kept or not. */
  totalBytes = 0;
  private chunks: Buffer[] = [];
  private keptBytes = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new RangeError(`Expected \`capacity\` to be a non-negative integer, got ${capacity}`);
    }
    this.capacity = capacity;
  }

  push(chunk: Buffer): void {
    this.totalBytes += chunk.length;
    if (this.capacity === 0 || chunk.length === 0) return;
    this.chunks.push(chunk);
    this.keptBytes += chunk.length;
    // Drop whole chunks from the front while the rest still covers the capacity.
    let first = this.chunks[0];
    while (first !== undefined && this.keptBytes - first.length >= this.capacity) {
      this.chunks.shift();
      this.keptBytes -= first.length;
      first = this.chunks[0];
    }
  }

  /** True when earlier bytes were dropped. */
  get truncated(): boolean {
    return this.totalBytes > this.capacity;
  }

  /** The kept bytes, oldest first (at most `capacity`). */
  bytes(): Buffer {
    const all = Buffer.concat(this.chunks, this.keptBytes);
    return all.length > this.capacity ? all.subarray(all.length - this.capacity) : all;
  }

  /** The kept bytes as UTF-8, without a character cut in half at the start. */
  text(): string {
    let bytes = this.bytes();
    if (this.truncated) {
      let start = 0;
      // Skip UTF-8 continuation bytes (10xxxxxx) left from a character cut at the boundary.
      while (start < Math.min(3, bytes.length) && ((bytes[start] ?? 0) & 0xc0) === 0x80) start += 1;
      bytes = bytes.subarray(start);
    }
    return bytes.toString('utf8');
  }
}
