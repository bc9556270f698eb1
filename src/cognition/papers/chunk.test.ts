import { describe, expect, it } from 'vitest';
import { chunkPages } from './chunk.js';
import { findPaperFiles } from './find-papers.js';

describe('chunkPages', () => {
  it('groups consecutive pages up to the size and leaves out empty pages', () => {
    const pages = [
      { number: 1, text: 'a'.repeat(40) },
      { number: 2, text: '   ' },
      { number: 3, text: 'b'.repeat(40) },
      { number: 4, text: 'c'.repeat(40) },
    ];
    expect(
      chunkPages(pages, 100).map((chunk) => ({ index: chunk.index, pages: chunk.pages.map((page) => page.number) })),
    ).toEqual([
      { index: 0, pages: [1, 3] },
      { index: 1, pages: [4] },
    ]);
  });

  it('cuts a long page at paragraph boundaries, keeping its number', () => {
    const text = `${'first paragraph words '.repeat(4).trim()}\n\n${'second paragraph words '.repeat(4).trim()}`;
    const chunks = chunkPages([{ number: 7, text }], 100);
    expect(chunks.flatMap((chunk) => chunk.pages.map((page) => page.number))).toEqual([7, 7]);
    expect(chunks[0]?.pages[0]?.text.startsWith('first paragraph')).toBe(true);
    expect(chunks[1]?.pages[0]?.text.startsWith('second paragraph')).toBe(true);
    expect(chunks.every((chunk) => chunk.pages.every((page) => page.text.length <= 100))).toBe(true);
  });
});

describe('findPaperFiles', () => {
  it('names paths that are missing or not papers', () => {
    const found = findPaperFiles(['/nonexistent/paper.pdf', 'package.json']);
    expect(found.files).toEqual([]);
    expect(found.problems).toEqual([
      { file: '/nonexistent/paper.pdf', message: 'no such file or folder' },
      { file: 'package.json', message: 'not a paper: expected one of .pdf, .txt, .text, .md, .markdown' },
    ]);
  });
});
