import { describe, expect, it } from 'vitest';
import { TailBuffer } from './tail-buffer.js';

describe('TailBuffer', () => {
  it('keeps everything while under capacity', () => {
    const tail = new TailBuffer(100);
    tail.push(Buffer.from('hello '));
    tail.push(Buffer.from('world'));
    expect(tail.text()).toBe('hello world');
    expect(tail.truncated).toBe(false);
    expect(tail.totalBytes).toBe(11);
  });

  it('keeps exactly the last bytes when over capacity', () => {
    const tail = new TailBuffer(5);
    tail.push(Buffer.from('abc'));
    tail.push(Buffer.from('defg'));
    tail.push(Buffer.from('hi'));
    expect(tail.text()).toBe('efghi');
    expect(tail.truncated).toBe(true);
    expect(tail.totalBytes).toBe(9);
  });

  it('holds bounded memory while 100 MB stream through it', () => {
    const tail = new TailBuffer(1000);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let largestKept = 0;
    for (let index = 0; index < 1600; index += 1) {
      tail.push(chunk);
      largestKept = Math.max(largestKept, (tail as unknown as { keptBytes: number }).keptBytes);
    }
    expect(tail.totalBytes).toBe(1600 * 64 * 1024);
    expect(largestKept).toBeLessThanOrEqual(1000 + chunk.length);
    expect(tail.bytes().length).toBe(1000);
  });

  it('does not start the text with half a character', () => {
    const tail = new TailBuffer(4);
    tail.push(Buffer.from('aé€')); // 1 + 2 + 3 bytes; the last 4 start inside 'é'
    expect(tail.text()).toBe('€');
  });

  it('counts but keeps nothing at capacity 0', () => {
    const tail = new TailBuffer(0);
    tail.push(Buffer.from('abc'));
    expect(tail.text()).toBe('');
    expect(tail.truncated).toBe(true);
  });
});
