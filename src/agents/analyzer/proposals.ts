import type { ProposedCognitionItem } from '../../cognition/index.js';
import { parseCognitionItems } from '../cognition-extractor/parse.js';
import type { AnalysisContext, Analyst } from '../types.js';

/** An analysis with the cognition items the Analyzer proposes from what the round revealed. */
export interface AnalysisWithProposals {
  analysis: string;
  proposedItems: ProposedCognitionItem[];
}

/** An Analyst that can also propose new cognition items (cognition growth). */
export interface ProposingAnalyst extends Analyst {
  analyseWithProposals(context: AnalysisContext): Promise<AnalysisWithProposals>;
}

/** Whether an analyst can propose items; the loop falls back to `analyse` when not. */
export function isProposingAnalyst(analyst: Analyst): analyst is ProposingAnalyst {
  return typeof (analyst as Partial<ProposingAnalyst>).analyseWithProposals === 'function';
}

/** Appended to the Analyzer's prompt when cognition growth is on. */
export function growthInstructions(maxItems: number): string {
  return `

## Lessons worth keeping (optional)

If this round revealed a general lesson that would help future rounds — a heuristic that worked, a pitfall that caused a failure, a principle behind the result — state up to ${maxItems} of them after the </analysis> tag, one block each:

<cognition_item>
<title>a short title</title>
<content>the lesson, specific and self-contained, in one to three sentences</content>
</cognition_item>

Only state lessons this round's evidence supports; state none if there are none.`;
}

/** The proposed items of an answer (blocks without content are dropped), at most `maxItems`. */
export function proposedItemsOf(answer: string, maxItems: number): ProposedCognitionItem[] {
  return parseCognitionItems(answer)
    .items.slice(0, maxItems)
    .map((block) => ({
      title: block.title,
      content: block.content,
      ...(block.tags.length > 0 ? { tags: block.tags } : {}),
    }));
}

/** The analysis text without any item blocks the model put inside it. */
export function withoutItemBlocks(analysis: string): string {
  return analysis.replace(/<cognition_item(?:\s[^>]*)?>[\s\S]*?<\/cognition_item>/gi, '').trim();
}
