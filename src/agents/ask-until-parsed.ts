import type { ChatMessage, LanguageModel } from '../llm/index.js';
import { ResponseFormatError } from './errors.js';

/** The model an agent asks and its settings, as the agents' options hold them. */
export interface AskSettings {
  /** An already-wrapped model. */
  model: LanguageModel;
  /** Follow-ups after an unusable answer: the model is asked at most `maxRetries + 1` times. */
  maxRetries: number;
  system?: string;
  temperature?: number;
  maxOutputTokens?: number;
}

/** One conversation that must end in an answer `parse` accepts. */
export interface AskConversation<Value> {
  /** The first user message. */
  prompt: string;
  abortSignal?: AbortSignal;
  /** Reads an answer; throws ResponseFormatError when it is unusable (any other error is thrown on). */
  parse(answer: string): Value;
  /** The follow-up after an unusable answer, given the ResponseFormatError's message. */
  feedback(problem: string): string;
}

/** The first usable answer's value, or every unusable answer with its problem, in order. */
export type AskOutcome<Value> = { ok: true; value: Value } | { ok: false; problems: string[]; answers: string[] };

/** Characters of an unusable answer shown back to the model in a follow-up; the middle of a longer one is left out. */
export const MAX_ECHOED_ANSWER_CHARS = 20_000;

/** The answer as the follow-up shows it: whole when short, else its head and tail around a note. */
function echoOf(answer: string): string {
  if (answer.length <= MAX_ECHOED_ANSWER_CHARS) return answer;
  const half = MAX_ECHOED_ANSWER_CHARS / 2;
  return `${answer.slice(0, half)}\n[… ${answer.length - MAX_ECHOED_ANSWER_CHARS} characters of this answer left out …]\n${answer.slice(-half)}`;
}

/**
 * The ask–parse–retry loop of the agents: asks `prompt`, and while the answer is unusable (its
 * `parse` throws ResponseFormatError) and retries are left, shows the model its answer with the
 * feedback and asks again (a long answer shortened to its head and tail, so that a follow-up never
 * carries a huge answer back). Only the fields of {@link AskSettings} are read from `settings`, so an
 * agent passes its own options. Each agent decides what a conversation without a usable answer means.
 * @example
 * const outcome = await askUntilParsed(options, { prompt, parse: parseVerdict,
 *   feedback: (problem) => `Your answer could not be used: ${problem}.` });
 */
export async function askUntilParsed<Value>(
  settings: AskSettings,
  conversation: AskConversation<Value>,
): Promise<AskOutcome<Value>> {
  const messages: ChatMessage[] = [{ role: 'user', content: conversation.prompt }];
  const problems: string[] = [];
  const answers: string[] = [];
  const { abortSignal } = conversation;
  for (let attempt = 0; attempt <= settings.maxRetries; attempt++) {
    abortSignal?.throwIfAborted();
    const result = await settings.model.generate({
      ...(settings.system === undefined ? {} : { system: settings.system }),
      messages: [...messages],
      ...(settings.temperature === undefined ? {} : { temperature: settings.temperature }),
      ...(settings.maxOutputTokens === undefined ? {} : { maxOutputTokens: settings.maxOutputTokens }),
      ...(abortSignal === undefined ? {} : { abortSignal }),
    });
    try {
      return { ok: true, value: conversation.parse(result.text) };
    } catch (error) {
      if (!(error instanceof ResponseFormatError)) throw error;
      problems.push(error.message);
      answers.push(result.text);
      messages.push(
        { role: 'assistant', content: echoOf(result.text) },
        { role: 'user', content: conversation.feedback(error.message) },
      );
    }
  }
  return { ok: false, problems, answers };
}
