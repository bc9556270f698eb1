/**
 * The contract every language model satisfies: providers implement it, and wrappers
 * (retry, deadline, transcript) take a model and return a model.
 */
export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface GenerateOptions {
  system?: string;
  messages: ChatMessage[];
  maxOutputTokens?: number;
  temperature?: number;
  seed?: number;
  stop?: string[];
  abortSignal?: AbortSignal;
  /** Vendor-specific settings, keyed by provider name. */
  providerOptions?: Record<string, Record<string, unknown>>;
}

export type FinishReason = 'stop' | 'length' | 'content-filter' | 'error' | 'other' | 'unknown';

export interface GenerateResult {
  text: string;
  finishReason: { unified: FinishReason; raw: string | undefined };
  usage: {
    inputTokens: number | undefined;
    cachedInputTokens: number | undefined;
    outputTokens: number | undefined;
  };
  response: { id: string | undefined; modelId: string | undefined };
  /** The provider's raw response body, for transcripts. */
  raw?: unknown;
}

export interface LanguageModel {
  readonly provider: string;
  readonly modelId: string;
  readonly contextWindow: number | undefined;
  generate(options: GenerateOptions): Promise<GenerateResult>;
}
