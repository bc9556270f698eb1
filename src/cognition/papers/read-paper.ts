import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { PaperPage, PaperText } from './types.js';

/** A paper read, or why it could not be (the file is named by the caller). */
export type ReadPaperResult = { paper: PaperText } | { problem: string };

/**
 * Reads a paper: a PDF (text layer, page by page, through unpdf/pdf.js) or a text or Markdown
 * file (form feeds separate pages, else it is one page). Never throws for bad input: an
 * encrypted, corrupt or text-less (scanned) PDF, an unreadable or empty file each come back as
 * a `problem` that says what to do.
 * @example
 * const result = await readPaper('papers/attention.pdf');
 * if ('problem' in result) console.error(result.problem);
 */
export async function readPaper(file: string): Promise<ReadPaperResult> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    return {
      problem: `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error))}`,
    };
  }
  const contentHash = createHash('sha256').update(bytes).digest('hex');
  const isPdf = extname(file).toLowerCase() === '.pdf' || bytes.subarray(0, 5).toString('latin1') === '%PDF-';
  const read = isPdf ? await readPdf(bytes) : readText(bytes);
  if ('problem' in read) return read;
  if (read.pages.every((page) => page.text.trim().length === 0)) {
    return {
      problem: isPdf
        ? 'the PDF has no text layer (a scanned paper?); run OCR on it first (e.g. `ocrmypdf in.pdf out.pdf`) and ingest the result'
        : 'the file is empty',
    };
  }
  const title = read.title?.trim() || titleFromPages(read.pages) || basename(file, extname(file));
  return { paper: { file, title, contentHash, pages: read.pages } };
}

async function readPdf(
  bytes: Buffer,
): Promise<{ pages: PaperPage[]; title: string | undefined } | { problem: string }> {
  const { extractText, getDocumentProxy, getMeta } = await import('unpdf');
  let document: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // verbosity 0: pdf.js would print its warnings (e.g. while repairing a damaged file).
    document = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'PasswordException') {
      return {
        problem:
          'the PDF is encrypted (password-protected); save a decrypted copy (e.g. `qpdf --decrypt in.pdf out.pdf`) and ingest that',
      };
    }
    return {
      problem: `the PDF cannot be read (corrupt or truncated): ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  try {
    const { text } = await extractText(document, { mergePages: false });
    let title: string | undefined;
    try {
      const { info } = await getMeta(document);
      const value = (info as Record<string, unknown> | undefined)?.Title;
      title = typeof value === 'string' ? value : undefined;
    } catch {
      title = undefined;
    }
    return { pages: text.map((pageText, index) => ({ number: index + 1, text: pageText })), title };
  } catch (error) {
    return { problem: `the PDF's text cannot be extracted: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    await document.destroy();
  }
}

function readText(bytes: Buffer): { pages: PaperPage[]; title: string | undefined } | { problem: string } {
  if (bytes.includes(0))
    return { problem: 'the file is binary, not text; papers are read from PDF, text or Markdown files' };
  const text = bytes
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n');
  const heading = /^#{1,2}[ \t]+(.+?)[ \t#]*$/m.exec(text)?.[1];
  return { pages: text.split('\f').map((pageText, index) => ({ number: index + 1, text: pageText })), title: heading };
}

function titleFromPages(pages: readonly PaperPage[]): string | undefined {
  const first = pages.find((page) => page.text.trim().length > 0)?.text ?? '';
  const line = first
    .split('\n')
    .map((entry) => entry.trim())
    .find((entry) => entry.length > 0);
  return line !== undefined && line.length <= 150 ? line : undefined;
}
