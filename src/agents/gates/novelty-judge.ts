import type { LanguageModel } from '../../llm/index.js';
import { askUntilParsed } from '../ask-until-parsed.js';
import { ResponseFormatError } from '../errors.js';
import { cleanAnswer, extractTag } from '../tags.js';
import type { NoveltyJudge, NoveltyJudgeInput } from './novelty-types.js';

/** How the LLM novelty judge is built. */
export interface LlmNoveltyJudgeOptions {
  /** An already-wrapped model. */
  model: LanguageModel;
  /** Follow-ups after an answer without a usable `<verdict>`. @default 1 */
  maxRetries?: number;
  /** The task description, shown so the judge knows what counts as a different idea. */
  task?: string;
  /** Characters of each program shown; longer programs are cut in the middle. @default 6000 */
  maxProgramChars?: number;
  temperature?: number;
  maxOutputTokens?: number;
}

function clip(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const half = Math.floor(limit / 2);
  return `${text.slice(0, half)}\n… [${text.length - 2 * half} characters cut] …\n${text.slice(-half)}`;
}

/** The prompt of the novelty judge: the proposal beside its nearest stored node. */
export function noveltyJudgePrompt(input: NoveltyJudgeInput, task: string | undefined, maxProgramChars = 6000): string {
  const sections = [
    'You decide whether a newly proposed candidate is a genuinely new idea or a near-duplicate of a candidate that was already evaluated. Evaluating a near-duplicate wastes an expensive experiment; a small but deliberate change of approach is NOT a duplicate.',
    task === undefined ? null : `## Task\n${task.trim()}`,
    `## Already evaluated: node #${input.nearest.id}\nMotivation: ${input.nearest.motivation.trim()}\n\n\`\`\`\n${clip(input.nearest.program, maxProgramChars)}\n\`\`\``,
    `## New proposal\nMotivation: ${input.proposal.motivation.trim()}\n\n\`\`\`\n${clip(input.proposal.program, maxProgramChars)}\n\`\`\``,
    `An automatic check found their ${input.field}s ${(input.similarity * 100).toFixed(1)}% similar.`,
    'Answer with <verdict>duplicate</verdict> or <verdict>novel</verdict>, then <reason>one or two sentences</reason>.',
  ];
  return sections.filter((section): section is string => section !== null).join('\n\n');
}

/**
 * Reads `<verdict>duplicate|novel</verdict>` and `<reason>…</reason>` (synonyms accepted:
 * `same`/`yes` for duplicate, `different`/`new`/`no` for novel).
 * @throws ResponseFormatError when there is no verdict tag or it holds neither word
 */
export function parseNoveltyVerdict(answer: string): { duplicate: boolean; reason: string } {
  const text = cleanAnswer(answer);
  const verdict = extractTag(text, 'verdict')?.trim().toLowerCase();
  if (verdict === undefined) throw new ResponseFormatError('the answer has no <verdict> tag', ['verdict']);
  const word = /[a-z-]+/.exec(verdict)?.[0] ?? '';
  let duplicate: boolean;
  if (['duplicate', 'near-duplicate', 'same', 'yes'].includes(word)) duplicate = true;
  else if (['novel', 'different', 'new', 'no', 'not'].includes(word)) duplicate = false;
  else throw new ResponseFormatError(`the <verdict> tag holds "${verdict}", not "duplicate" or "novel"`, ['verdict']);
  return { duplicate, reason: extractTag(text, 'reason')?.trim() ?? '' };
}

/**
 * The optional LLM novelty judge (`pipeline.novelty.llm_judge`): shown the proposal and its
 * nearest stored node, it answers duplicate or novel. An unusable answer is reported back up to
 * `maxRetries` times, then a ResponseFormatError (LLM_RESPONSE_INVALID) is thrown, which the
 * gate turns into a threshold decision.
 * @example const gate = createNoveltyGate({ threshold: 0.95, compare: 'both', judge: createLlmNoveltyJudge({ model }) });
 */
export function createLlmNoveltyJudge(options: LlmNoveltyJudgeOptions): NoveltyJudge {
  const maxRetries = options.maxRetries ?? 1;
  return {
    async judge(input) {
      const outcome = await askUntilParsed(
        { ...options, maxRetries },
        {
          prompt: noveltyJudgePrompt(input, options.task, options.maxProgramChars),
          abortSignal: input.abortSignal,
          parse: parseNoveltyVerdict,
          feedback: (problem) =>
            `Your answer could not be used: ${problem}. Answer again with <verdict>duplicate</verdict> or <verdict>novel</verdict> and <reason>…</reason>.`,
        },
      );
      if (outcome.ok) return outcome.value;
      const lastProblem = outcome.problems.at(-1) ?? 'no answer';
      throw new ResponseFormatError(
        `the novelty judge gave no usable verdict in ${maxRetries + 1} attempts (last problem: ${lastProblem})`,
        ['verdict'],
      );
    },
  };
}
