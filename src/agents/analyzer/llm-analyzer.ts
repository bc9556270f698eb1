import type { ChatMessage, LanguageModel } from '../../llm/model.js';
import { cleanAnswer, extractTag } from '../tags.js';
import type { Templates } from '../templates/load.js';
import { analyzerVariables } from '../templates/variables.js';
import type { Analyst } from '../types.js';
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
}

const missingTagFeedback =
  'Your answer has no <analysis>…</analysis> tags. Give the report again, complete, between <analysis> and </analysis>.';

/**
 * The LLM Analyzer: renders `analyzer.jinja2` with the logs trimmed to the budget (the trimming
 * is stated in the text) and returns the content of `<analysis>`. Without the tag after the
 * retries it returns the whole last non-empty answer rather than lose it, and with no answer at
 * all the rule-based analysis.
 * @example const analyzer = createLlmAnalyzer({ model, templates, maxRetries: 2, logBudgetChars: 20_000 });
 */
export function createLlmAnalyzer(options: LlmAnalyzerOptions): Analyst {
  return {
    name: 'llm',
    async analyse(context) {
      const logs = trimLogs(context.logs, options.logBudgetChars);
      const prompt = options.templates.analyzer.render(analyzerVariables(context, logs.text, logs.trimmedChars));
      const messages: ChatMessage[] = [{ role: 'user', content: prompt }];
      let lastNonEmpty = '';
      for (let attempt = 0; attempt <= options.maxRetries; attempt++) {
        context.abortSignal?.throwIfAborted();
        const result = await options.model.generate({
          ...(options.system === undefined ? {} : { system: options.system }),
          messages: [...messages],
          ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
          ...(options.maxOutputTokens === undefined ? {} : { maxOutputTokens: options.maxOutputTokens }),
          ...(context.abortSignal === undefined ? {} : { abortSignal: context.abortSignal }),
        });
        const text = cleanAnswer(result.text);
        const analysis = extractTag(text, 'analysis', true)?.trim() ?? '';
        if (analysis !== '') return analysis;
        if (text !== '') lastNonEmpty = text;
        messages.push({ role: 'assistant', content: result.text }, { role: 'user', content: missingTagFeedback });
      }
      if (lastNonEmpty !== '') return lastNonEmpty;
      return `(The Analyzer model returned no text; rule-based summary follows.)\n${ruleBasedAnalysis(context)}`;
    },
  };
}
