import type { FinishReason } from '../model.js';

const finishReasons: Record<string, FinishReason> = {
  stop: 'stop',
  length: 'length',
  content_filter: 'content-filter',
  tool_calls: 'other',
  function_call: 'other',
};

/** Our finish reason for OpenAI's `finish_reason`. */
export function mapFinishReason(raw: string | null | undefined): FinishReason {
  if (raw === null || raw === undefined) return 'unknown';
  return finishReasons[raw] ?? 'other';
}
