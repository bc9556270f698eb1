import type { LanguageModel } from '../../llm/index.js';
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

const numberPattern = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?`;
// The first number, then what may give its scale: "/ 10", "out of 10" or "%".
const scorePattern = new RegExp(String.raw`(${numberPattern})(?:\s*(?:/|out\s+of)\s*(${numberPattern})|\s*(%))?`, 'i');

/**
 * The score of a `<score>` tag on the judge's 0–100 scale, clamped; null when there is none.
 * A bare number is read as it is (`85`). A number with its own scale is converted, since models
 * often answer on a scale of their choosing: `8.5/10` and `8.5 out of 10` are 85, `4/5` is 80,
 * `85/100` and `85%` are 85. A fraction over zero or less holds no usable score (null).
 * @example parseJudgeScore('<score>8.5/10</score>') // 85
 */
export function parseJudgeScore(answer: string): number | null {
  const content = extractTag(cleanAnswer(answer), 'score');
  if (content === null) return null;
  const match = scorePattern.exec(content);
  if (match === null) return null;
  const value = Number(match[1]);
  const scale = match[2] === undefined ? 100 : Number(match[2]);
  if (!Number.isFinite(value) || !Number.isFinite(scale) || scale <= 0) return null;
  return Math.min(100, Math.max(0, (100 * value) / scale));
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
          const problem =
            extractTag(cleanAnswer(answer), 'score') === null
              ? 'the answer has no <score> tag'
              : 'the <score> tag holds no number on a 0–100 scale';
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
