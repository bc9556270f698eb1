import type { LanguageModel } from '../../llm/index.js';
import { askUntilParsed } from '../ask-until-parsed.js';
import { ResponseFormatError } from '../errors.js';
import { cleanAnswer, extractTag } from '../tags.js';
import type { Templates } from '../templates/load.js';
import { analyzerVariables } from '../templates/variables.js';
import type { AnalysisContext, Analyst } from '../types.js';
import {
  growthInstructions,
  proposedItemsOf,
  withoutItemBlocks,
  type AnalysisWithProposals,
  type ProposingAnalyst,
} from './proposals.js';
import { ruleBasedAnalysis } from './rule-based.js';
import { trimLogs } from './trim.js';

/** How the LLM Analyzer is built. */
export interface LlmAnalyzerOptions {
  /** An already-wrapped model. */
  model: LanguageModel;
  templates: Templates;
  /** Follow-ups after an answer without `<analysis>` tags. */
  maxRetries: number;
  /** The most characters of evaluator output shown; the middle of longer output is trimmed. */
  logBudgetChars: number;
  system?: string;
  temperature?: number;
  maxOutputTokens?: number;
  /**
   * Cognition growth (`cognition.growth`): ask for up to `maxItems` `<cognition_item>` blocks
   * after the analysis; `analyseWithProposals` returns them. Off when absent.
   */
  proposeItems?: { maxItems: number };
}

const missingTagFeedback =
  'Your answer has no <analysis>…</analysis> tags. Give the report again, complete, between <analysis> and </analysis>.';

/**
 * The LLM Analyzer: renders `analyzer.jinja2` with the logs trimmed to the budget (the trimming
 * is stated in the text) and returns the content of `<analysis>`. Without the tag after the
 * retries it returns the whole last non-empty answer rather than lose it, and with no answer at
 * all the rule-based analysis. With `proposeItems` it also asks for new cognition items, which
 * `analyseWithProposals` returns beside the analysis.
 * @example const analyzer = createLlmAnalyzer({ model, templates, maxRetries: 2, logBudgetChars: 20_000 });
 */
export function createLlmAnalyzer(options: LlmAnalyzerOptions): Analyst & ProposingAnalyst {
  const maxItems = options.proposeItems?.maxItems ?? 0;
  const run = async (context: AnalysisContext): Promise<AnalysisWithProposals> => {
    const logs = trimLogs(context.logs, options.logBudgetChars);
    let prompt = options.templates.analyzer.render(analyzerVariables(context, logs.text, logs.trimmedChars));
    if (maxItems > 0) prompt += growthInstructions(maxItems);
    const outcome = await askUntilParsed(options, {
      prompt,
      abortSignal: context.abortSignal,
      parse: (answer): AnalysisWithProposals => {
        const text = cleanAnswer(answer);
        const tagged = extractTag(text, 'analysis', true)?.trim() ?? '';
        const analysis = maxItems > 0 ? withoutItemBlocks(tagged) : tagged;
        if (analysis === '') throw new ResponseFormatError('the answer has no <analysis> tags', ['analysis']);
        return { analysis, proposedItems: maxItems > 0 ? proposedItemsOf(text, maxItems) : [] };
      },
      feedback: () => missingTagFeedback,
    });
    if (outcome.ok) return outcome.value;
    const lastNonEmpty = outcome.answers.map(cleanAnswer).findLast((text) => text !== '') ?? '';
    if (lastNonEmpty !== '') {
      return {
        analysis: maxItems > 0 ? withoutItemBlocks(lastNonEmpty) : lastNonEmpty,
        proposedItems: maxItems > 0 ? proposedItemsOf(lastNonEmpty, maxItems) : [],
      };
    }
    return {
      analysis: `(The Analyzer model returned no text; rule-based summary follows.)\n${ruleBasedAnalysis(context)}`,
      proposedItems: [],
    };
  };
  return {
    name: 'llm',
    analyse: async (context) => (await run(context)).analysis,
    analyseWithProposals: run,
  };
}
