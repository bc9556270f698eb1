import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createCognitionRetriever,
  createLexicalEmbedder,
  createMemoryCognitionSource,
  importCognitionPaths,
  suggestedLexicalThreshold,
} from './index.js';

let folder: string | undefined;
afterEach(() => {
  if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
  folder = undefined;
});

describe('cognition, from seed files to retrieval', () => {
  it('imports reference-style items and retrieves the relevant ones at the suggested lexical threshold', async () => {
    folder = mkdtempSync(join(tmpdir(), 'cognition-index-'));
    writeFileSync(
      join(folder, 'seed.yaml'),
      [
        '- content: "Edge effects: circles near boundaries have reduced space. Place larger circles at corners and edges."',
        '  source: Boundary Optimization',
        '- content: "Plateau at ~2.3: try a different initial pattern, increase maxiter, use multi-start SLSQP."',
        '  source: Breaking Plateaus',
        '- content: "Variable radii: optimal solutions for n=26 use circles of different sizes."',
        '  source: Variable Radii Strategy',
      ].join('\n'),
    );
    writeFileSync(
      join(folder, 'training.md'),
      '## Learning-rate warmup\nWarm the learning rate up over the first epochs.\n',
    );
    const { items, problems } = importCognitionPaths([folder]);
    expect(problems).toEqual([]);
    expect(items).toHaveLength(4);

    const retriever = createCognitionRetriever({
      embedder: createLexicalEmbedder(),
      source: createMemoryCognitionSource(items),
      topK: 2,
      threshold: suggestedLexicalThreshold,
    });
    const { items: found } = await retriever.retrieveForNodes([
      'Circles were placed on a grid; the corners stay empty and the score stalls at a plateau of 2.3.',
      'Banana bread with walnuts.',
    ]);
    expect(found.map((entry) => entry.item.source).sort()).toEqual(['Boundary Optimization', 'Breaking Plateaus']);
  });
});
