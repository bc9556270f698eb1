/**
 * What cosine similarities the built-in lexical embedder gives on realistic cognition items, and
 * so what `cognition.retrieval.score_threshold` suits it (the default when the key is unset).
 * Run: `npx tsx bench/lexical-threshold.ts`.
 *
 * Items: the cognition.yaml of every example. Queries: what a round asks with, written as the
 * Analyzer writes (three analyses per example), plus each example's task (input.md), which is
 * the query before any node has an analysis. For each query it prints the best score among the
 * items of its own example (relevant) and among the other examples' items (unrelated), and the
 * share of queries that would retrieve at least one relevant and no unrelated item per threshold.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  cognitionItemText,
  createLexicalEmbedder,
  importCognitionPaths,
  type CognitionItem,
} from '../src/cognition/index.js';
import { suggestedLexicalThreshold } from '../src/cognition/embedders/lexical.js';

const examplesDir = join(import.meta.dirname, '..', 'examples');

/** Analyses as the Analyzer writes them: what the candidate did, what happened, what to try next. */
const analyses: Record<string, string[]> = {
  'bin-packing': [
    'The priority function put each item into the fullest bin that still fits it (best fit) and used 2.3% more bins than the lower bound. Small items fill the last gaps well, but large items often open new bins.',
    'Scoring bins by the remaining gap after placement left many gaps of 3 to 8 units that no later item could use. Penalise leaving such unusable gaps.',
    'The harmonic-style classes by item size reduced waste for medium items; the number of bins fell from 2068 to 2051. Try combining the size classes with best fit inside each class.',
  ],
  'circle-packing': [
    'The candidate placed 26 circles in offset hexagonal rows and shrank overlapping pairs until none overlapped; the sum of radii reached 2.52. The corners and edges are left with large gaps.',
    'Solving the radii exactly as a linear program for the fixed centres raised the sum of radii from 2.41 to 2.58 without moving any centre. Next, move the centres and re-solve the LP.',
    'Mixing larger circles in the interior with small ones along the walls helped; the layout is still symmetric, and breaking the symmetry could free space near the corners.',
  ],
  'circle-packing-py': [
    'The program optimises the centres with scipy minimize (SLSQP) under pairwise non-overlap constraints, starting from a perturbed hexagonal grid; it reached 2.60 but several restarts ended in poor local optima.',
    'Radii from linprog for fixed centres are exact; the score rose to 2.58. Random restarts of the centres helped less than a good initial layout with small circles in the corners.',
    'The candidate timed out: the penalty method with 200 restarts is too slow. Fewer restarts with a better initial arrangement should keep the sum of radii.',
  ],
  'data-curation': [
    'The cleaner removed lines without terminal punctuation and pages with fewer than three sentences, as C4 does; the validation loss improved by 0.04 nats, but code and lists were dropped too.',
    'Exact deduplication of repeated lines and near-duplicate pages by MinHash cut the corpus by 18% and improved the loss; boilerplate lines that repeat across sites were the main gain.',
    'Filtering spam by the share of symbols and of repeated n-grams (Gopher rules) removed most spam pages; the broken-encoding documents are still kept and hurt the model.',
  ],
  'linear-attention': [
    'The layer used additive linear attention with an elu+1 feature map; recall accuracy on MQAR stayed at 31% because the fixed-size state overwrites earlier key-value pairs.',
    'Replacing the additive update by the delta rule (writing by error correction) raised associative recall from 31% to 78% at the same state size; training was slower per step.',
    'A gated decay on the state helped long sequences but the chunkwise-parallel form was not used, so the layer ran in a sequential loop and timed out at sequence length 512.',
  ],
  'rl-advantage': [
    'Group-normalised advantages without dividing by the standard deviation (Dr. GRPO) raised the final accuracy from 61% to 66%; prompts where every answer was right still gave no gradient.',
    'Clipping the ratio asymmetrically (a higher upper clip, as in DAPO) kept the entropy from collapsing; accuracy improved early but the reward was noisier.',
    'Dropping groups whose answers were all correct or all wrong and resampling prompts kept every batch informative; the length normalisation still favoured short wrong answers.',
  ],
};

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((first, second) => first - second);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

const embedder = createLexicalEmbedder();
const cosine = (first: Float32Array, second: Float32Array): number =>
  first.reduce((total, value, index) => total + value * (second[index] ?? 0), 0);
const embed = async (texts: string[]): Promise<Float32Array[]> =>
  (await embedder.embed({ values: texts })).embeddings.map((vector) => Float32Array.from(vector));

const examples = readdirSync(examplesDir).filter((name) => existsSync(join(examplesDir, name, 'cognition.yaml')));
const items = new Map<string, CognitionItem[]>();
for (const name of examples) items.set(name, importCognitionPaths([join(examplesDir, name, 'cognition.yaml')]).items);
const vectors = new Map<string, Float32Array[]>();
for (const [name, list] of items) vectors.set(name, await embed(list.map((item) => cognitionItemText(item))));

interface QueryScores {
  kind: 'analysis' | 'task';
  relevant: number[];
  unrelatedBest: number;
}
const results: QueryScores[] = [];
for (const name of examples) {
  const queries = [
    ...(analyses[name] ?? []).map((text) => ({ kind: 'analysis' as const, text })),
    { kind: 'task' as const, text: readFileSync(join(examplesDir, name, 'input.md'), 'utf8') },
  ];
  const queryVectors = await embed(queries.map((query) => query.text));
  queries.forEach((query, index) => {
    const vector = queryVectors[index]!;
    const relevant = (vectors.get(name) ?? [])
      .map((item) => cosine(vector, item))
      .sort((first, second) => second - first);
    let unrelatedBest = -1;
    for (const [other, list] of vectors)
      if (other !== name && !(other.startsWith('circle-packing') && name.startsWith('circle-packing')))
        for (const item of list) unrelatedBest = Math.max(unrelatedBest, cosine(vector, item));
    results.push({ kind: query.kind, relevant, unrelatedBest });
  });
}

const fixed = (value: number): string => value.toFixed(3);
for (const kind of ['analysis', 'task'] as const) {
  const chosen = results.filter((result) => result.kind === kind);
  const top1 = chosen.map((result) => result.relevant[0] ?? 0);
  const top3 = chosen.map((result) => result.relevant[2] ?? 0);
  const unrelated = chosen.map((result) => result.unrelatedBest);
  console.log(
    `${kind} queries (${chosen.length}): best relevant p10 ${fixed(percentile(top1, 0.1))} p50 ${fixed(percentile(top1, 0.5))}; 3rd relevant p10 ${fixed(percentile(top3, 0.1))} p50 ${fixed(percentile(top3, 0.5))}; best unrelated p50 ${fixed(percentile(unrelated, 0.5))} p90 ${fixed(percentile(unrelated, 0.9))} max ${fixed(Math.max(...unrelated))}`,
  );
}
console.log('threshold | queries with ≥1 relevant item | with 3 relevant | with any unrelated item');
for (const threshold of [0.02, 0.04, 0.05, 0.06, 0.08, 0.1, 0.15, 0.2, 0.3]) {
  const some = results.filter((result) => (result.relevant[0] ?? 0) >= threshold).length;
  const three = results.filter((result) => (result.relevant[2] ?? 0) >= threshold).length;
  const noise = results.filter((result) => result.unrelatedBest >= threshold).length;
  const mark = threshold === suggestedLexicalThreshold ? '  ← default for the lexical embedder' : '';
  console.log(
    `${threshold.toFixed(2).padStart(9)} | ${String(some).padStart(3)}/${results.length} | ${String(three).padStart(3)}/${results.length} | ${String(noise).padStart(3)}/${results.length}${mark}`,
  );
}
