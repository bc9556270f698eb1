import type { PaperChunk } from '../../cognition/index.js';

/** What the extraction prompt is built from. */
export interface ExtractionPromptInput {
  paperTitle: string;
  chunk: PaperChunk;
  chunks: number;
  maxItems: number;
  task?: string;
}

/** The system prompt of the Cognition Extractor. */
export const EXTRACTION_SYSTEM_PROMPT =
  'You read research papers and distil the knowledge a researcher can act on: heuristics that work, pitfalls to avoid, and design principles. You answer only in the requested tag format.';

/**
 * The extraction prompt for one chunk of a paper: the pages with their numbers, what to
 * extract, and the answer format (`<cognition_item>` blocks with kind, title, content, page,
 * or `<no_items/>`).
 */
export function renderExtractionPrompt(input: ExtractionPromptInput): string {
  const pages = input.chunk.pages.map((page) => `--- page ${page.number} ---\n${page.text}`).join('\n\n');
  const part = input.chunks > 1 ? ` (part ${input.chunk.index + 1} of ${input.chunks})` : '';
  const focus = input.task?.trim()
    ? `\n## The task these items will serve\n\n${input.task.trim()}\n\nPrefer knowledge that helps with this task; leave out what cannot.\n`
    : '';
  return `## Paper: ${input.paperTitle}${part}
${focus}
## What to extract

From the pages below, extract at most ${input.maxItems} items of actionable knowledge:
- heuristic: a technique or setting that worked, and when to use it;
- pitfall: a failure mode, instability or mistake, and how to avoid it;
- principle: a design principle or insight that explains why something works.

Each item must stand on its own (a reader will not see the paper), be specific (name methods, numbers and conditions the paper gives), and be one to four sentences. Do not invent anything the pages do not say. Give the page number where the item is stated.

## Answer format

One block per item:

<cognition_item>
<kind>heuristic, pitfall or principle</kind>
<title>a short title</title>
<content>the knowledge itself</content>
<page>the page number</page>
</cognition_item>

If these pages offer nothing worth extracting (references, acknowledgements, tables of numbers only), answer <no_items/>.

## Pages

${pages}
`;
}
