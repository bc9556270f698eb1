import { describe, expect, it } from 'vitest';
import type { LanguageModel } from '../model.js';

/** A model under test, built to answer `texts` in order, and how to tidy up after it. */
export interface ModelUnderTest {
  model: LanguageModel;
  close(): Promise<void>;
}

/**
 * The behaviour every `LanguageModel` provider shares. Call it from a provider's test file
 * with a factory that builds the model answering the given texts in order.
 */
export function runModelCases(name: string, create: (texts: string[]) => Promise<ModelUnderTest>): void {
  describe(`${name} (LanguageModel cases)`, () => {
    it('answers with text, a stop finish reason and non-negative usage', async () => {
      const { model, close } = await create(['first answer', 'second answer']);
      try {
        const first = await model.generate({ system: 'Be brief.', messages: [{ role: 'user', content: 'Say one.' }] });
        const second = await model.generate({ messages: [{ role: 'user', content: 'Say two.' }] });
        expect(first.text).toBe('first answer');
        expect(second.text).toBe('second answer');
        expect(first.finishReason.unified).toBe('stop');
        for (const count of Object.values(first.usage)) {
          if (count !== undefined) expect(count).toBeGreaterThanOrEqual(0);
        }
        expect(typeof model.provider).toBe('string');
        expect(model.modelId.length).toBeGreaterThan(0);
      } finally {
        await close();
      }
    });

    it('rejects at once with the reason of an already aborted signal', async () => {
      const { model, close } = await create(['never sent']);
      try {
        const controller = new AbortController();
        const reason = new Error('stopped by the caller');
        controller.abort(reason);
        await expect(
          model.generate({ messages: [{ role: 'user', content: 'x' }], abortSignal: controller.signal }),
        ).rejects.toBe(reason);
      } finally {
        await close();
      }
    });
  });
}
