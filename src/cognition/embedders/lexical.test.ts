import { describe, expect, it } from 'vitest';
import { embedderIdentity } from './identity.js';
import { createLexicalEmbedder, embedLexical } from './lexical.js';
import { runEmbedderCases } from './test-support/embedder-cases.js';
import { fnv1a } from './tokenise.js';

function cosine(left: Float32Array, right: Float32Array): number {
  let dot = 0;
  for (let index = 0; index < left.length; index++) dot += left[index]! * right[index]!;
  return dot;
}

function norm(vector: Float32Array): number {
  return Math.sqrt(cosine(vector, vector));
}

runEmbedderCases('lexical embedder', async () => ({ embedder: createLexicalEmbedder({ dimensions: 256 }) }));

describe('createLexicalEmbedder', () => {
  it('is the built-in lexical-hash-v1 with 512 dimensions by default', () => {
    const embedder = createLexicalEmbedder();
    expect(embedderIdentity(embedder)).toBe('builtin:lexical-hash-v1:512');
  });

  it('gives unit-length vectors', async () => {
    const { embeddings } = await createLexicalEmbedder().embed({
      values: ['Place larger circles at the corners and edges of the square.'],
    });
    expect(norm(embeddings[0]!)).toBeCloseTo(1, 5);
  });

  it('gives the same vector for the same text, whatever else is in the batch', async () => {
    const embedder = createLexicalEmbedder({ dimensions: 128 });
    const alone = await embedder.embed({ values: ['multi-start SLSQP optimisation'] });
    const batched = await embedder.embed({ values: ['something else entirely', 'multi-start SLSQP optimisation'] });
    expect(Array.from(alone.embeddings[0]!)).toEqual(Array.from(batched.embeddings[1]!));
  });

  it('puts related texts closer than unrelated ones', () => {
    const query = embedLexical('The optimizer stalls at a plateau; try multi-start SLSQP with more iterations', 512);
    const related = embedLexical('Plateau: use multi-start optimization with SLSQP and raise the iteration limit', 512);
    const unrelated = embedLexical('Bake the banana bread for fifty minutes with chopped walnuts', 512);
    expect(cosine(query, related)).toBeGreaterThan(0.2);
    expect(cosine(query, related)).toBeGreaterThan(cosine(query, unrelated) + 0.2);
  });

  it('ignores case, punctuation, stopwords and plain plurals', () => {
    expect(Array.from(embedLexical('Circles near THE corners!', 64))).toEqual(
      Array.from(embedLexical('circle, near corner', 64)),
    );
  });

  it('counts word order through bigrams', () => {
    const forward = embedLexical('learning rate decay', 512);
    const reversed = embedLexical('decay rate learning', 512);
    expect(cosine(forward, reversed)).toBeLessThan(0.99);
    expect(cosine(forward, reversed)).toBeGreaterThan(0.3);
  });

  it('weights repeated tokens by 1 + ln tf', () => {
    const dimensions = 4096;
    const vector = embedLexical('alpha alpha alpha alpha', dimensions);
    // Tokens: "alpha" four times, the bigram "alpha alpha" three times.
    const wordWeight = 1 + Math.log(4);
    const bigramWeight = 1 + Math.log(3);
    const expected = wordWeight / Math.hypot(wordWeight, bigramWeight);
    expect(fnv1a('alpha') % dimensions).not.toBe(fnv1a('alpha alpha') % dimensions);
    expect(Math.abs(vector[fnv1a('alpha') % dimensions]!)).toBeCloseTo(expected, 5);
  });

  it('gives the zero vector for a text with no words', () => {
    for (const text of ['', '   ', 'the of and', '!!! ...']) {
      expect(embedLexical(text, 32).every((value) => value === 0)).toBe(true);
    }
  });

  it('refuses a dimension that is not a positive integer', () => {
    expect(() => createLexicalEmbedder({ dimensions: 0 })).toThrow('Expected `dimensions`');
    expect(() => createLexicalEmbedder({ dimensions: 1.5 })).toThrow('Expected `dimensions`');
  });
});
