import type { ExtractedItem, ExtractedItemKind, PaperExtractor } from '../../cognition/index.js';
import type { LanguageModel } from '../../llm/index.js';
import { askUntilParsed } from '../ask-until-parsed.js';
import { ResponseFormatError } from '../errors.js';
import { parseCognitionItems } from './parse.js';
import { EXTRACTION_SYSTEM_PROMPT, renderExtractionPrompt } from './prompt.js';

/** How the Cognition Extractor is built. */
export interface CognitionExtractorOptions {
  /** An already-wrapped model (retry, deadline, recorder). */
  model: LanguageModel;
  /** Follow-ups after an answer with neither a `<cognition_item>` block nor `<no_items/>`. */
  maxRetries: number;
  temperature?: number;
  maxOutputTokens?: number;
}

const kinds: readonly ExtractedItemKind[] = ['heuristic', 'pitfall', 'principle'];

const formatFeedback =
  'Your answer has no <cognition_item> blocks and no <no_items/>. Answer again in the requested format: one <cognition_item> block per item, or <no_items/>.';

/**
 * The LLM Cognition Extractor: reads a chunk of a paper and returns the heuristics, pitfalls and
 * principles it offers, each with the page it is on (a page outside the chunk is dropped, not
 * guessed). Blocks without content are reported as problems. An answer in no known format is
 * retried with feedback, then a `ResponseFormatError`.
 * @example
 * const extractor = createCognitionExtractor({ model, maxRetries: 1 });
 * const { items } = await extractor.extract({ paperTitle, chunk, chunks: 3, maxItems: 8 });
 */
export function createCognitionExtractor(options: CognitionExtractorOptions): PaperExtractor {
  return {
    modelId: options.model.modelId,
    async extract(input) {
      const prompt = renderExtractionPrompt(input);
      const pageNumbers = new Set(input.chunk.pages.map((page) => page.number));
      const outcome = await askUntilParsed(
        { ...options, system: EXTRACTION_SYSTEM_PROMPT },
        {
          prompt,
          abortSignal: input.abortSignal,
          parse: (answer) => {
            const parsed = parseCognitionItems(answer);
            if (parsed.items.length === 0 && parsed.problems.length === 0 && !parsed.saidNone) {
              throw new ResponseFormatError('the answer has no <cognition_item> blocks and no <no_items/>', [
                'cognition_item',
              ]);
            }
            const items: ExtractedItem[] = parsed.items.slice(0, input.maxItems).map((block) => ({
              kind: kinds.find((kind) => block.kind.startsWith(kind)) ?? 'heuristic',
              title: block.title,
              content: block.content,
              page: block.page !== undefined && pageNumbers.has(block.page) ? block.page : undefined,
            }));
            return { items, problems: parsed.problems.map((problem) => `${input.paperTitle}: ${problem}`) };
          },
          feedback: () => formatFeedback,
        },
      );
      if (outcome.ok) return outcome.value;
      throw new ResponseFormatError(
        `The Cognition Extractor gave no <cognition_item> blocks for "${input.paperTitle}" (pages ${[...pageNumbers].join(', ')}) after ${options.maxRetries + 1} answers`,
        ['cognition_item'],
      );
    },
  };
}
