import { cleanAnswer, extractTag } from '../tags.js';

/** One `<cognition_item>` block as the model wrote it. */
export interface CognitionItemBlock {
  title: string;
  content: string;
  /** `<kind>`, lower-cased; empty when absent. */
  kind: string;
  /** `<page>` as a number, when it is one. */
  page: number | undefined;
  /** `<tags>`, comma-separated. */
  tags: string[];
}

/** The blocks of an answer, what was wrong with the others, and whether the model said it found none. */
export interface ParsedCognitionItems {
  items: CognitionItemBlock[];
  problems: string[];
  /** The answer holds `<no_items/>` (or `<no_items></no_items>`). */
  saidNone: boolean;
}

const blockPattern = /<cognition_item(?:\s[^>]*)?>([\s\S]*?)<\/cognition_item>/gi;

function firstInteger(text: string | null): number | undefined {
  const match = text === null ? null : /\d+/.exec(text);
  return match === null ? undefined : Number(match[0]);
}

/**
 * Reads `<cognition_item>` blocks, each with `<title>`, `<content>` and optionally `<kind>`,
 * `<page>` and `<tags>`. A block without content is a problem naming it (by its position and
 * title) and is skipped; a block without a title takes the first words of its content.
 * @example
 * parseCognitionItems('<cognition_item><title>Warm restarts</title><content>…</content><page>4</page></cognition_item>');
 */
export function parseCognitionItems(answer: string): ParsedCognitionItems {
  const text = cleanAnswer(answer);
  const items: CognitionItemBlock[] = [];
  const problems: string[] = [];
  let position = 0;
  for (const match of text.matchAll(blockPattern)) {
    position++;
    const body = match[1] ?? '';
    const content = (extractTag(body, 'content', true) ?? '').trim();
    const givenTitle = (extractTag(body, 'title') ?? '').trim();
    if (content.length === 0) {
      problems.push(`item #${position}${givenTitle ? ` ("${givenTitle}")` : ''} has no content; skipped`);
      continue;
    }
    const title = givenTitle || content.split(/\s+/).slice(0, 8).join(' ');
    const kind = (extractTag(body, 'kind') ?? '').trim().toLowerCase();
    const tags = (extractTag(body, 'tags') ?? '')
      .split(',')
      .map((tag) => tag.trim())
      .filter((tag) => tag.length > 0);
    items.push({ title, content, kind, page: firstInteger(extractTag(body, 'page')), tags });
  }
  return { items, problems, saidNone: /<no_items\s*\/?>/i.test(text) };
}
