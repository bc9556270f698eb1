import type { Analyst } from '../types.js';
import { formatNumber } from '../numbers.js';
import { tailOf } from './trim.js';

/**
 * The paper's "without Analyzer" ablation: no LLM; the stored analysis is the outcome line, the
 * raw results JSON and the tail of the evaluator output.
 * @example const analyst = createRawAnalyst({ logTailChars: 2000 });
 */
export function createRawAnalyst(options: { logTailChars?: number } = {}): Analyst {
  const logTailChars = options.logTailChars ?? 4000;
  return {
    name: 'raw',
    async analyse(context) {
      const outcome = context.success
        ? `Evaluation succeeded${context.score === null ? '' : ` with score ${formatNumber(context.score)}`}.`
        : `Evaluation failed: ${context.error ?? 'no reason recorded'}.`;
      const parts = [outcome, `Results:\n${JSON.stringify(context.results, null, 2)}`];
      if (context.logs.trim() !== '') parts.push(`Output (tail):\n${tailOf(context.logs, logTailChars)}`);
      return parts.join('\n\n');
    },
  };
}
