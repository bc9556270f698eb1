import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedder } from '../embedder.js';

/** The behaviour every embedder must show; run it from each embedder's test file. */
export function runEmbedderCases(
  name: string,
  setup: () => Promise<{ embedder: Embedder; close?: () => Promise<void> }>,
): void {
  describe(`${name} (embedder contract)`, () => {
    let embedder: Embedder;
    let close: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      ({ embedder, close } = await setup());
    });
    afterAll(async () => {
      await close?.();
    });

    it('returns one vector per value, in order, of the stated length', async () => {
      const values = ['circle packing in a square', 'learning rate warmup schedule', 'circle packing in a square'];
      const { embeddings } = await embedder.embed({ values });
      expect(embeddings).toHaveLength(3);
      for (const vector of embeddings) {
        expect(vector).toBeInstanceOf(Float32Array);
        if (embedder.dimensions > 0) expect(vector.length).toBe(embedder.dimensions);
      }
      expect(Array.from(embeddings[0]!)).toEqual(Array.from(embeddings[2]!));
      expect(Array.from(embeddings[0]!)).not.toEqual(Array.from(embeddings[1]!));
    });

    it('is deterministic across calls', async () => {
      const first = await embedder.embed({ values: ['variable radii near the corners'] });
      const second = await embedder.embed({ values: ['variable radii near the corners'] });
      expect(Array.from(first.embeddings[0]!)).toEqual(Array.from(second.embeddings[0]!));
    });

    it('embeds nothing for no values', async () => {
      const { embeddings } = await embedder.embed({ values: [] });
      expect(embeddings).toEqual([]);
    });

    it('states its identity parts', () => {
      expect(embedder.provider.length).toBeGreaterThan(0);
      expect(embedder.modelId.length).toBeGreaterThan(0);
      expect(embedder.maxValuesPerCall).toBeGreaterThan(0);
    });

    it('stops when the abort signal has fired', async () => {
      const controller = new AbortController();
      controller.abort(new Error('stop now'));
      await expect(embedder.embed({ values: ['anything'], abortSignal: controller.signal })).rejects.toThrow(
        'stop now',
      );
    });
  });
}
