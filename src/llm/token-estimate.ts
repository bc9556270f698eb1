import type { GenerateOptions } from './model.js';

/**
 * Characters per token assumed wherever a count must be estimated before a model sees the
 * text (budget checks, dry runs, context windows). Four is the usual figure for English and
 * code with BPE tokenizers; real counts vary by about ±25 %.
 */
export const CHARS_PER_TOKEN = 4;

/** Tokens a chat message costs beyond its text (role markers, separators). */
const MESSAGE_OVERHEAD_TOKENS = 4;

/** Estimated tokens of a text at `CHARS_PER_TOKEN` characters each. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/**
 * Estimated input tokens of a call: its system prompt and messages, plus a few tokens of
 * framing per message.
 * @example estimatePromptTokens({ messages: [{ role: 'user', content: 'x'.repeat(400) }] }) // 104
 */
export function estimatePromptTokens(options: Pick<GenerateOptions, 'system' | 'messages'>): number {
  let tokens = 0;
  if (options.system) tokens += estimateTokens(options.system) + MESSAGE_OVERHEAD_TOKENS;
  for (const message of options.messages) tokens += estimateTokens(message.content) + MESSAGE_OVERHEAD_TOKENS;
  return tokens;
}
