import { describe, expect, it } from 'vitest';
import { createRandom } from '../random.js';
import { createEnsemble } from './ensemble.js';
import { createScriptedModel } from './test-support/scripted.js';

const ask = { messages: [{ role: 'user' as const, content: 'Design.' }] };

describe('createEnsemble', () => {
  it('chooses members with frequencies matching their weights over 2000 calls', async () => {
    const names = ['heavy', 'medium', 'light'];
    const members = names.map((name, index) => ({
      model: createScriptedModel(
        Array.from({ length: 2000 }, () => name),
        { modelId: name, contextWindow: 100_000 - index },
      ),
      weight: [5, 3, 2][index] as number,
    }));
    const ensemble = createEnsemble(members, createRandom(42));
    const counts: Record<string, number> = { heavy: 0, medium: 0, light: 0 };
    for (let call = 0; call < 2000; call++) {
      const { text } = await ensemble.generate(ask);
      counts[text] = (counts[text] ?? 0) + 1;
    }
    // Expected 1000 / 600 / 400; a binomial standard deviation is at most ~22, so ±70 is over 3σ.
    expect(Math.abs((counts.heavy ?? 0) - 1000)).toBeLessThan(70);
    expect(Math.abs((counts.medium ?? 0) - 600)).toBeLessThan(70);
    expect(Math.abs((counts.light ?? 0) - 400)).toBeLessThan(70);
    expect(ensemble.provider).toBe('ensemble');
    expect(ensemble.modelId).toBe('ensemble(heavy×5, medium×3, light×2)');
    expect(ensemble.contextWindow).toBe(99_998);
  });

  it('repeats its choices under the same seed', async () => {
    const run = async (seed: number): Promise<string[]> => {
      const ensemble = createEnsemble(
        ['a', 'b'].map((name) => ({ model: createScriptedModel(Array.from({ length: 50 }, () => name)), weight: 1 })),
        createRandom(seed),
      );
      const texts: string[] = [];
      for (let call = 0; call < 50; call++) texts.push((await ensemble.generate(ask)).text);
      return texts;
    };
    expect(await run(7)).toEqual(await run(7));
    expect(await run(7)).not.toEqual(await run(8));
  });

  it('checks its members on entry', () => {
    const model = createScriptedModel([]);
    expect(() => createEnsemble([], createRandom(0))).toThrow(/at least one model/);
    expect(() => createEnsemble([{ model, weight: 0 }], createRandom(0))).toThrow(/positive number/);
  });
});
