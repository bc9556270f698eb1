import { describe, expect, it } from 'vitest';
import { createRandom, type Random } from '../random.js';
import { LeadingFronts } from './leading-fronts.js';
import { paretoRanks, type ObjectiveSettings, type RankableNode } from './objectives.js';

function settingsOf(
  count: number,
  outOfBounds: ObjectiveSettings['outOfBounds'],
  instances: InstanceScores,
): ObjectiveSettings {
  const objectives = ['a', 'b', 'c', 'd'].slice(0, count).map((name, index) => ({
    name,
    direction: index % 2 === 0 ? ('maximize' as const) : ('minimize' as const),
    // A bound on the first objective: some nodes fall outside it.
    ...(index === 0 ? { min: 3 } : {}),
  }));
  return { objectives, outOfBounds, ...(instances !== 'none' ? { instances: 'per' } : {}) };
}

/** No per-instance scores, graded ones (0–9 on some of 3 instances), or pass/fail on each of 5 (ties everywhere). */
type InstanceScores = 'none' | 'graded' | 'pass/fail';

/** Values on a coarse grid, so that ties and equal points are frequent; some nodes fail or lack a value. */
function randomNode(id: number, random: Random, count: number, instances: InstanceScores): RankableNode {
  const metrics: Record<string, number> = {};
  for (const name of ['a', 'b', 'c', 'd'].slice(0, count)) metrics[name] = random.int(8);
  if (random.next() < 0.1) delete metrics.b;
  if (instances === 'graded')
    for (const instance of ['x', 'y', 'z']) if (random.next() < 0.6) metrics[`per.${instance}`] = random.int(10);
  if (instances === 'pass/fail') {
    // The easy instance is passed by most; eval_score breaks ties between equal instance means.
    for (const [instance, pass] of [
      ['easy', 0.8],
      ['v', 0.4],
      ['w', 0.3],
      ['x', 0.2],
      ['y', 0.1],
    ] as const)
      metrics[`per.${instance}`] = random.next() < pass ? 1 : 0;
    if (random.next() < 0.7) metrics.eval_score = random.int(3);
  }
  return { id, success: random.next() > 0.1, metrics };
}

/** `paretoRanks`'s members cut after the ranks the kept list reaches (whole ranks only). */
function expectPrefixOfParetoRanks(
  kept: ReturnType<LeadingFronts['leading']>,
  nodes: readonly RankableNode[],
  settings: ObjectiveSettings,
): void {
  const all = paretoRanks(nodes, settings);
  const lastRank = kept.length === 0 ? -1 : (kept[kept.length - 1]?.rank as number);
  expect(kept).toEqual(all.filter((member) => member.rank <= lastRank));
}

describe('LeadingFronts', () => {
  for (const outOfBounds of ['infeasible', 'dominated'] as const) {
    for (const count of [1, 2, 3, 4]) {
      for (const instances of ['none', 'graded', 'pass/fail'] as const) {
        it(`equals paretoRanks' first fronts over random inserts and removals (${count} objectives, ${outOfBounds}, ${instances} instance scores)`, () => {
          const settings = settingsOf(count, outOfBounds, instances);
          for (let trial = 0; trial < 12; trial++) {
            const random = createRandom(`leading:${count}:${outOfBounds}:${instances}:${trial}`);
            const depth = 1 + random.int(3);
            const fronts = new LeadingFronts(settings, depth);
            const live = new Map<number, RankableNode>();
            for (let id = 1; id <= 60; id++) {
              const node = randomNode(id, random, count, instances);
              fronts.insert(node);
              live.set(id, node);
              if (random.next() < 0.15 && live.size > 0) {
                const ids = [...live.keys()];
                const gone = ids[random.int(ids.length)] as number;
                fronts.remove(gone);
                live.delete(gone);
              }
              // Read after most changes, so the incremental path (not only the rebuild) is checked.
              if (random.next() < 0.8) {
                const nodes = [...live.values()];
                const kept = fronts.leading({ ranks: depth, members: 0 });
                expectPrefixOfParetoRanks(kept, nodes, settings);
                const ranks = new Set(kept.map((member) => member.rank)).size;
                const all = paretoRanks(nodes, settings);
                expect(ranks).toBeGreaterThanOrEqual(Math.min(depth, new Set(all.map((member) => member.rank)).size));
              }
            }
            // Asking for more members or a deep node keeps more fronts, still a prefix.
            const nodes = [...live.values()];
            const all = paretoRanks(nodes, settings);
            const deepest = all[all.length - 1];
            const kept = fronts.leading({ ranks: 1, members: 40, include: deepest ? [deepest.id] : [] });
            expectPrefixOfParetoRanks(kept, nodes, settings);
            expect(kept.length).toBeGreaterThanOrEqual(Math.min(40, all.length));
            if (deepest) expect(kept.map((member) => member.id)).toContain(deepest.id);
          }
        });
      }
    }
  }

  it('replaces a node inserted again and drops one that can no longer be ranked', () => {
    const settings = settingsOf(2, 'infeasible', 'none');
    const fronts = new LeadingFronts(settings, 2);
    fronts.insert({ id: 1, success: true, metrics: { a: 5, b: 1 } });
    fronts.insert({ id: 2, success: true, metrics: { a: 4, b: 2 } });
    expect(fronts.leading({ ranks: 2, members: 0 }).map((member) => [member.id, member.rank])).toEqual([
      [1, 0],
      [2, 1],
    ]);
    fronts.insert({ id: 1, success: true, metrics: { a: 3, b: 3 } });
    expect(fronts.leading({ ranks: 2, members: 0 }).map((member) => [member.id, member.rank])).toEqual([
      [2, 0],
      [1, 1],
    ]);
    fronts.insert({ id: 2, success: false, metrics: { a: 9, b: 0 } });
    expect(fronts.size).toBe(1);
    expect(fronts.leading({ ranks: 2, members: 0 }).map((member) => member.id)).toEqual([1]);
  });
});
