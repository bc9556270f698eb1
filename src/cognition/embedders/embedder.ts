/** Turns texts into vectors for cognition retrieval. Identity = `${provider}:${modelId}:${dimensions}`. */
export interface Embedder {
  readonly provider: string;
  readonly modelId: string;
  readonly dimensions: number;
  readonly maxValuesPerCall: number;
  embed(options: { values: string[]; abortSignal?: AbortSignal }): Promise<{
    embeddings: Float32Array[];
    usage: { tokens: number | undefined };
  }>;
}
