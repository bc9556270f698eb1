import type { PaperChunk, PaperPage } from './types.js';

/**
 * Groups consecutive pages into chunks of at most `maxChars` characters of text. A page longer
 * than that is cut at paragraph (else line, else any) boundaries into parts that keep its page
 * number. Pages without text are left out.
 * @example
 * chunkPages(paper.pages, 12_000); // [{ index: 0, pages: [{ number: 1, … }, { number: 2, … }] }, …]
 */
export function chunkPages(pages: readonly PaperPage[], maxChars: number): PaperChunk[] {
  const chunks: PaperChunk[] = [];
  let current: PaperPage[] = [];
  let size = 0;
  const flush = (): void => {
    if (current.length > 0) chunks.push({ index: chunks.length, pages: current });
    current = [];
    size = 0;
  };
  for (const page of pages) {
    const text = page.text.trim();
    if (text.length === 0) continue;
    for (const part of splitText(text, maxChars)) {
      if (size + part.length > maxChars) flush();
      current.push({ number: page.number, text: part });
      size += part.length;
    }
  }
  flush();
  return chunks;
}

function splitText(text: string, maxChars: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > maxChars) {
    const window = rest.slice(0, maxChars);
    const cut = [
      window.lastIndexOf('\n\n'),
      window.lastIndexOf('\n'),
      window.lastIndexOf('. '),
      window.lastIndexOf(' '),
    ].find((position) => position > maxChars / 2);
    const end = cut === undefined ? maxChars : cut + 1;
    parts.push(rest.slice(0, end).trim());
    rest = rest.slice(end).trim();
  }
  if (rest.length > 0) parts.push(rest);
  return parts;
}
