/** Logs cut to a budget: the text, with a statement of the cut in its middle, and how much was cut. */
export interface TrimmedLogs {
  text: string;
  trimmedChars: number;
}

/**
 * Keeps the head (40 %) and the tail (60 %) of a text longer than `budgetChars`, and says in
 * the text how many characters were trimmed between them.
 * @example trimLogs('x'.repeat(10_000), 1000).trimmedChars // 9000
 */
export function trimLogs(text: string, budgetChars: number): TrimmedLogs {
  if (text.length <= budgetChars) return { text, trimmedChars: 0 };
  const budget = Math.max(0, Math.floor(budgetChars));
  const head = Math.floor(budget * 0.4);
  const tail = budget - head;
  const trimmedChars = text.length - head - tail;
  const marker = `\n[... ${trimmedChars} characters trimmed here ...]\n`;
  return { text: `${text.slice(0, head)}${marker}${tail > 0 ? text.slice(-tail) : ''}`, trimmedChars };
}

/** The last `limit` characters of a text, saying how many were left out before them. */
export function tailOf(text: string, limit: number): string {
  if (text.length <= limit) return text;
  return `[... ${text.length - limit} earlier characters left out ...]\n${text.slice(text.length - limit)}`;
}
