/** Normalises a model's answer: LF line endings, reasoning blocks (`<think>…</think>`) removed. */
export function cleanAnswer(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/<think(?:ing)?>[\s\S]*?<\/think(?:ing)?>/gi, '')
    .trim();
}

/**
 * The content of `<tag>…</tag>`, or null when the tag is absent or unclosed. The first opening
 * tag is used; `lastClose` pairs it with the last closing tag instead of the first (for program
 * text, which may itself contain the closing tag).
 */
export function extractTag(text: string, tag: string, lastClose = false): string | null {
  const open = new RegExp(`<${tag}(?:\\s[^>]*)?>`, 'i').exec(text);
  if (open === null) return null;
  const start = open.index + open[0].length;
  const closing = `</${tag}>`;
  const lower = text.toLowerCase();
  const end = lastClose ? lower.lastIndexOf(closing) : lower.indexOf(closing, start);
  if (end < start) return null;
  return text.slice(start, end);
}
