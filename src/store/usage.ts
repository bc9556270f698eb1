import { parseJsonObject } from './json.js';
import type { TokenUsage } from '../domain/index.js';

/** Unknown counts are kept as JSON null, so they come back as undefined and never as zero. */
export function usageToJson(usage: TokenUsage): string {
  return JSON.stringify({
    inputTokens: usage.inputTokens ?? null,
    cachedInputTokens: usage.cachedInputTokens ?? null,
    outputTokens: usage.outputTokens ?? null,
  });
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** Reads usage JSON written by `usageToJson`. */
export function usageFromJson(text: string, file: string): TokenUsage {
  const record = parseJsonObject(text, 'usage', file);
  return {
    inputTokens: count(record['inputTokens']),
    cachedInputTokens: count(record['cachedInputTokens']),
    outputTokens: count(record['outputTokens']),
  };
}
