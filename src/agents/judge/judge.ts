import type { LanguageModel } from '../../llm/model.js';
import { askUntilParsed } from '../ask-until-parsed.js';
import { JudgeError, ResponseFormatError } from '../errors.js';
import { cleanAnswer, extractTag } from '../tags.js';
import type { Templates } from '../templates/load.js';
import { judgeVariables } from '../templates/variables.js';
import type { JudgeVerdict } from '../types.js';
import type { JudgeContext } from './judge-context.js';

/** How the LLM judge is built. */
export interface LlmJudgeOptions {
  /** An already-wrapped model. */
  model: LanguageModel;
  templates: Templates;
  /** Follow-ups after an answer without a numeric `<score>`. */
  maxRetries: number;
  system?: string;
  temperature?: number;
  maxOutputTokens?: number;
}

/** Scores an evaluated candidate from 0 to 100. */
export interface Judge {
  judge(context: JudgeContext): Promise<JudgeVerdict>;
}

/** The score of a `<score>` tag (its first number, e.g. `85` or `85/100`), clamped to 0–100; null when none. */
export function parseJudgeScore(answer: string): number | null {
  const content = extractTag(cleanAnswer(answer), 'score');
  if (content === null) return null;
  const match = /[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/i.exec(content);
  if (match === null) return null;
  const value = Number(match[0]);
  if (!Number.isFinite(value)) return null;
  return Math.min(100, Math.max(0, value));
}

/**
 * The LLM judge: renders `judge.jinja2`, parses `<score>` (0–100, clamped) and `<reason>`.
 * An answer without a numeric score is reported back up to `maxRetries` times, then a
 * JudgeError is thrown.
 * @example const verdict = await createLlmJudge({ model, templates, maxRetries: 2 }).judge({ task, program, results });
 */
export function createLlmJudge(options: LlmJudgeOptions): Judge {
  return {
    async judge(context) {
      const prompt = options.templates.judge.render(judgeVariables(context));
      const outcome = await askUntilParsed(options, {
        prompt,
        abortSignal: context.abortSignal,
        parse: (answer): JudgeVerdict => {
          const score = parseJudgeScore(answer);
          if (score !== null) return { score, reason: extractTag(cleanAnswer(answer), 'reason')?.trim() ?? '' };
          const problem = extractTag(cleanAnswer(answer), 'score') === null ? 'the answer has no <score> tag' : 'the <score> tag holds no number';
          throw new ResponseFormatError(problem, ['score']);
        },
        feedback: (problem) =>
          `Your answer could not be used: ${problem}. Answer again with <score>a whole number from 0 to 100</score> and <reason>…</reason>.`,
      });
      if (outcome.ok) return outcome.value;
      const problems = outcome.problems.map((problem, index) => `attempt ${index + 1}: ${problem}`);
      throw new JudgeError(`the judge gave no numeric score in ${options.maxRetries + 1} attempts`, problems);
    },
  };
}

/**
 * The reference formula for the judge blend: `(1 - ratio) * evalScore + ratio * judgeScore`.
 * As in the reference, the judge score is on 0–100 while the evaluator's score may be on any
 * scale (e.g. 0–3 for circle packing): choose `ratio` with the scales in mind, or normalise first.
 * @example blendScores(2.6, 80, 0.2) // 18.08
 */
export function blendScores(evalScore: number, judgeScore: number, ratio: number): number {
  return (1 - ratio) * evalScore + ratio * judgeScore;
}
