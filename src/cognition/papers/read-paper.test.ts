import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPaper } from './read-paper.js';
import { corruptPdf, encryptedPdf, scannedPdf, textPdf } from './test-support/pdfs.js';

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'read-paper-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function write(name: string, data: Uint8Array | string): string {
  const path = join(folder, name);
  writeFileSync(path, data);
  return path;
}

function problemOf(result: Awaited<ReturnType<typeof readPaper>>): string {
  if (!('problem' in result)) throw new Error('expected a problem');
  return result.problem;
}

describe('readPaper', () => {
  it('reads a PDF page by page, with its metadata title and content hash', async () => {
    const path = write(
      'paper.pdf',
      await textPdf(['Warm restarts help SLSQP.', 'Page two: avoid overlaps.'], { title: 'Packing Notes' }),
    );
    const result = await readPaper(path);
    if ('problem' in result) throw new Error(result.problem);
    expect(result.paper.title).toBe('Packing Notes');
    expect(result.paper.pages).toEqual([
      { number: 1, text: 'Warm restarts help SLSQP.' },
      { number: 2, text: 'Page two: avoid overlaps.' },
    ]);
    expect(result.paper.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('takes the first line as the title of a PDF without one', async () => {
    const result = await readPaper(write('untitled.pdf', await textPdf(['Linear Attention Revisited\nBody text.'])));
    expect('paper' in result && result.paper.title).toBe('Linear Attention Revisited');
  });

  it('reads Markdown and text, with form feeds as page breaks and the first heading as title', async () => {
    const markdown = await readPaper(write('notes.md', '# Gated Delta Rules\n\nGating helps.\fSecond page.'));
    expect('paper' in markdown && markdown.paper).toMatchObject({
      title: 'Gated Delta Rules',
      pages: [{ number: 1 }, { number: 2, text: 'Second page.' }],
    });
    const text = await readPaper(write('plain.txt', '\n\nA plain title line\nand a body'));
    expect('paper' in text && text.paper.title).toBe('A plain title line');
  });

  it('says what to do with an encrypted PDF', async () => {
    expect(problemOf(await readPaper(write('locked.pdf', encryptedPdf())))).toBe(
      'the PDF is encrypted (password-protected); save a decrypted copy (e.g. `qpdf --decrypt in.pdf out.pdf`) and ingest that',
    );
  });

  it('says what to do with a scanned PDF without text', async () => {
    expect(problemOf(await readPaper(write('scan.pdf', await scannedPdf())))).toContain(
      'has no text layer (a scanned paper?); run OCR',
    );
  });

  it('reports a corrupt PDF, an empty or binary file, and a missing one', async () => {
    expect(problemOf(await readPaper(write('broken.pdf', corruptPdf())))).toMatch(
      /^the PDF cannot be read \(corrupt or truncated\)/,
    );
    expect(problemOf(await readPaper(write('empty.txt', '  \n')))).toBe('the file is empty');
    expect(problemOf(await readPaper(write('binary.txt', new Uint8Array([0x41, 0, 0x42]))))).toContain('binary');
    expect(problemOf(await readPaper(join(folder, 'missing.pdf')))).toBe('cannot read the file: ENOENT');
  });
});
