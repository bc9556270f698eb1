import { describe, expect, it } from 'vitest';
import type { Embedder } from '../../cognition/index.js';
import { AsiEvolveError } from '../../errors.js';
import { ResponseFormatError } from '../errors.js';
import { createNoveltyGate } from './novelty.js';
import type { NoveltyCandidate, NoveltyJudge, NoveltyJudgeInput } from './novelty-types.js';

const longProgram = (variant: number): string =>
  Array.from({ length: 50 }, (_, line) => `value_${line} = combine(value_${line - 1}, ${line + variant * 100})`).join(
    '\n',
  );

/** The program with one constant changed; fails when the text to change is absent. */
function tweak(program: string, from: string, to: string): string {
  if (!program.includes(from)) throw new Error(`"${from}" is not in the program`);
  return program.replace(from, to);
}

const nodes: NoveltyCandidate[] = [
  { id: 0, motivation: 'The initial program of the experiment.', program: longProgram(0), score: 1 },
  {
    id: 1,
    motivation: 'Place larger circles in the corners and smaller ones along the edges.',
    program: longProgram(1),
    score: 2,
  },
  {
    id: 2,
    motivation: 'Use a hexagonal lattice and shrink circles that overlap the border.',
    program: longProgram(2),
    score: 3,
  },
];

describe('novelty gate: exact duplicates', () => {
  it('rejects an identical program (layout ignored) whatever is compared', async () => {
    const gate = createNoveltyGate({ threshold: 0.95, compare: 'motivation' });
    const relaid = `\n\n${longProgram(1).replace(/\n/g, '\n   ')}\n`;
    const verdict = await gate.check({ motivation: 'something completely new about spirals', program: relaid }, nodes);
    expect(verdict).toEqual({ novel: false, nearestId: 1, similarity: 1, field: 'program', exact: true });
  });

  it('rejects an identical motivation (case and spacing ignored) when motivations are compared', async () => {
    const gate = createNoveltyGate({ threshold: 0.95, compare: 'both' });
    const verdict = await gate.check(
      {
        motivation: '  use a HEXAGONAL lattice and shrink circles that overlap the border. ',
        program: 'brand = new()',
      },
      nodes,
    );
    expect(verdict).toMatchObject({ novel: false, nearestId: 2, field: 'motivation', exact: true });
    const programOnly = createNoveltyGate({ threshold: 0.95, compare: 'program' });
    expect((await programOnly.check({ motivation: nodes[2]!.motivation, program: 'brand = new()' }, nodes)).novel).toBe(
      true,
    );
  });

  it('finds an exact copy of any node, even outside the similarity window', async () => {
    const many: NoveltyCandidate[] = Array.from({ length: 30 }, (_, id) => ({
      id,
      motivation: `idea ${id}`,
      program: longProgram(id),
      score: id,
    }));
    const gate = createNoveltyGate({ threshold: 0.9, compare: 'program', recent: 2, top: 1 });
    expect(await gate.check({ motivation: 'x', program: longProgram(3) }, many)).toMatchObject({
      novel: false,
      nearestId: 3,
      exact: true,
    });
    // A near copy of node 3 is not looked for outside the window (the newest, 28 and 29; the best is 29 too).
    const near = tweak(longProgram(3), 'value_9, 310)', 'value_9, 312)');
    expect(await gate.check({ motivation: 'x', program: near }, many)).toMatchObject({ novel: true });
    expect(
      await gate.check({ motivation: 'x', program: tweak(longProgram(28), 'value_9, 2810)', 'value_9, 2812)') }, many),
    ).toMatchObject({
      novel: false,
      nearestId: 28,
      exact: false,
    });
  });

  it('never compares empty texts (rounds whose design failed)', async () => {
    const failed: NoveltyCandidate = { id: 9, motivation: '', program: '   ' };
    const gate = createNoveltyGate({ threshold: 0.5, compare: 'both' });
    expect(await gate.check({ motivation: '', program: '' }, [failed])).toEqual({ novel: true, nearest: null });
  });
});

describe('novelty gate: similarity', () => {
  it('rejects a program one constant away from a stored one, naming it; accepts a different one', async () => {
    const gate = createNoveltyGate({ threshold: 0.95, compare: 'program' });
    const tweaked = tweak(longProgram(2), 'value_19, 220)', 'value_19, 221)');
    const verdict = await gate.check({ motivation: 'tweak', program: tweaked }, nodes);
    expect(verdict).toMatchObject({ novel: false, nearestId: 2, field: 'program', exact: false });
    if (verdict.novel) throw new Error('expected a rejection');
    expect(verdict.similarity).toBeGreaterThan(0.95);
    expect(verdict.similarity).toBeLessThan(1);
    const fresh = await gate.check(
      { motivation: 'tweak', program: 'def pack():\n    return grid(5, 5) + [centre()]\n' },
      nodes,
    );
    expect(fresh.novel).toBe(true);
  });

  it('compares motivations by lexical cosine', async () => {
    const gate = createNoveltyGate({ threshold: 0.8, compare: 'motivation' });
    const reworded = await gate.check(
      { motivation: 'Place larger circles in the corners and smaller circles along the edges.', program: 'p = 1' },
      nodes,
    );
    expect(reworded).toMatchObject({ novel: false, nearestId: 1, field: 'motivation', exact: false });
    const different = await gate.check(
      { motivation: 'Optimise radii with a gradient step on the overlap penalty.', program: 'p = 1' },
      nodes,
    );
    expect(different.novel).toBe(true);
    if (!different.novel) return;
    expect(different.nearest === null || different.nearest.similarity < 0.8).toBe(true);
  });

  it('reads each node once and forgets evicted ones', async () => {
    const reads = new Map<number, number>();
    const counted = (node: NoveltyCandidate): NoveltyCandidate => ({
      id: node.id,
      score: node.score ?? null,
      get motivation() {
        reads.set(node.id, (reads.get(node.id) ?? 0) + 1);
        return node.motivation;
      },
      get program() {
        reads.set(node.id, (reads.get(node.id) ?? 0) + 1);
        return node.program;
      },
    });
    const gate = createNoveltyGate({ threshold: 0.95, compare: 'both' });
    const existing = nodes.map(counted);
    await gate.check({ motivation: 'first idea', program: 'a = 1' }, existing);
    const afterFirst = new Map(reads);
    await gate.check({ motivation: 'second idea', program: 'b = 2' }, existing);
    expect(reads).toEqual(afterFirst);
    // Node 1 evicted, then a node with id 1's texts can no longer be matched.
    const verdict = await gate.check(
      { motivation: 'x', program: longProgram(1) },
      existing.filter((node) => node.id !== 1),
    );
    expect(verdict.novel).toBe(true);
  });

  it('embeds motivations in batches the embedder accepts, and only once per node', async () => {
    const batches: string[][] = [];
    const embedder: Embedder = {
      provider: 'test',
      modelId: 'letters',
      dimensions: 26,
      maxValuesPerCall: 2,
      embed: async ({ values }) => {
        batches.push(values);
        return {
          embeddings: values.map((value) => {
            const vector = new Float32Array(26);
            for (const letter of value.toLowerCase()) {
              const index = letter.charCodeAt(0) - 97;
              if (index >= 0 && index < 26) vector[index]! += 1;
            }
            return vector;
          }),
          usage: { tokens: undefined },
        };
      },
    };
    const gate = createNoveltyGate({ threshold: 0.999, compare: 'motivation', embedder });
    await gate.check({ motivation: 'zzz', program: 'q' }, nodes);
    expect(batches.map((batch) => batch.length)).toEqual([2, 2]);
    batches.length = 0;
    await gate.check({ motivation: 'yyy', program: 'q' }, nodes);
    expect(batches).toEqual([['yyy']]);
  });
});

describe('novelty gate: LLM judge for borderline cases', () => {
  const tweaked = tweak(longProgram(2), 'value_19, 220)', 'value_19, 221)');

  function fakeJudge(
    answer: { duplicate: boolean; reason: string } | Error,
  ): NoveltyJudge & { inputs: NoveltyJudgeInput[] } {
    const inputs: NoveltyJudgeInput[] = [];
    return {
      inputs,
      judge: async (input) => {
        inputs.push(input);
        if (answer instanceof Error) throw answer;
        return answer;
      },
    };
  }

  it('lets the judge accept a similarity inside the band that the threshold would reject', async () => {
    const judge = fakeJudge({ duplicate: false, reason: 'a different constant on purpose' });
    const gate = createNoveltyGate({ threshold: 0.9, compare: 'program', judge, judgeBand: [0.9, 0.99] });
    const verdict = await gate.check({ motivation: 'm', program: tweaked }, nodes);
    expect(verdict).toMatchObject({ novel: true, nearest: { id: 2, field: 'program' }, judged: { duplicate: false } });
    expect(judge.inputs[0]?.nearest).toMatchObject({ id: 2, program: longProgram(2) });
  });

  it('lets the judge reject below the threshold, and is not asked outside the band', async () => {
    const judge = fakeJudge({ duplicate: true, reason: 'same idea' });
    const gate = createNoveltyGate({ threshold: 0.999, compare: 'program', judge, judgeBand: [0.5, 0.99] });
    expect(await gate.check({ motivation: 'm', program: tweaked }, nodes)).toMatchObject({
      novel: false,
      nearestId: 2,
      judged: { reason: 'same idea' },
    });
    await gate.check({ motivation: 'm', program: longProgram(2) }, nodes);
    await gate.check({ motivation: 'm', program: 'totally = different()' }, nodes);
    expect(judge.inputs).toHaveLength(1);
  });

  it('falls back to the threshold when the judge gives no usable answer, and propagates other errors', async () => {
    const unusable = createNoveltyGate({
      threshold: 0.9,
      compare: 'program',
      judge: fakeJudge(new ResponseFormatError('no verdict', ['verdict'])),
      judgeBand: [0.8, 0.99],
    });
    expect(await unusable.check({ motivation: 'm', program: tweaked }, nodes)).toMatchObject({
      novel: false,
      judged: { error: 'no verdict' },
    });
    const broken = createNoveltyGate({
      threshold: 0.9,
      compare: 'program',
      judge: fakeJudge(new Error('network down')),
      judgeBand: [0.8, 0.99],
    });
    await expect(broken.check({ motivation: 'm', program: tweaked }, nodes)).rejects.toThrow('network down');
  });
});

describe('novelty gate: options', () => {
  it.each([
    [{ threshold: 1.5, compare: 'both' as const }, 'threshold'],
    [{ threshold: 0.9, compare: 'code' as 'both' }, 'compare'],
    [{ threshold: 0.9, compare: 'both' as const, judgeBand: [0.9, 0.8] as const }, 'judge_band'],
    [{ threshold: 0.9, compare: 'both' as const, recent: -1 }, 'recent'],
  ])('refuses %o naming the key', (options, key) => {
    try {
      createNoveltyGate(options);
      throw new Error('expected an error');
    } catch (error) {
      expect(AsiEvolveError.isInstance(error) && error.code).toBe('CONFIG_INVALID');
      expect(AsiEvolveError.isInstance(error) && error.key).toBe(key);
    }
  });
});
