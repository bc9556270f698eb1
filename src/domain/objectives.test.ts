import { describe, expect, it } from 'vitest';
import { createRandom } from '../random.js';
import {
  dominatesOnObjectives,
  instanceScores,
  instanceWinners,
  objectiveValues,
  paretoFront,
  paretoRanks,
  rankedEntry,
  summaryMetrics,
  tiedInstanceWinners,
  type ObjectiveSettings,
  type Ranked,
  type RankableNode,
} from './objectives.js';

const twoObjectives: ObjectiveSettings = {
  objectives: [
    { name: 'accuracy', direction: 'maximize' },
    { name: 'seconds', direction: 'minimize' },
  ],
  outOfBounds: 'infeasible',
};

function node(id: number, metrics: Record<string, number>, success = true) {
  return { id, success, metrics };
}

describe('objectives', () => {
  it('reads objective values from metrics, then results, and is null when one is missing or not finite', () => {
    expect(objectiveValues({ metrics: { accuracy: 0.5, seconds: 2 } }, twoObjectives)).toEqual({
      accuracy: 0.5,
      seconds: 2,
    });
    expect(objectiveValues({ metrics: { accuracy: 0.5 }, results: { seconds: 3 } }, twoObjectives)).toEqual({
      accuracy: 0.5,
      seconds: 3,
    });
    expect(objectiveValues({ metrics: { accuracy: 0.5 } }, twoObjectives)).toBeNull();
    expect(objectiveValues({ metrics: { accuracy: 0.5, seconds: Number.NaN } }, twoObjectives)).toBeNull();
  });

  it('ranks nodes by non-domination with crowding distance, leaving out failed and incomplete nodes', () => {
    const nodes = [
      node(0, { accuracy: 0.5, seconds: 5 }), // dominated by 1 and 2: rank 1
      node(1, { accuracy: 0.9, seconds: 4 }), // front
      node(2, { accuracy: 0.6, seconds: 1 }), // front
      node(3, { accuracy: 0.7, seconds: 2 }), // front, in the middle
      node(4, { accuracy: 0.1, seconds: 9 }), // dominated by everyone: rank 2
      node(5, { accuracy: 1, seconds: 0 }, false), // failed: not ranked
      node(6, { accuracy: 1 }), // no value for seconds: not ranked
    ];
    const ranked = paretoRanks(nodes, twoObjectives);
    expect(ranked.map((member) => [member.id, member.rank])).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
      [0, 1],
      [4, 2],
    ]);
    const middle = ranked.find((member) => member.id === 3);
    // Ends are infinitely far; the middle's distance sums its neighbours' spread on each objective.
    expect(ranked.find((member) => member.id === 1)?.crowding).toBe(Infinity);
    expect(middle?.crowding).toBeCloseTo((0.9 - 0.6) / (0.9 - 0.6) + (4 - 1) / (4 - 1));
    expect(paretoFront(nodes, twoObjectives).map((member) => member.id)).toEqual([1, 3, 2]);
    expect(paretoFront(nodes, twoObjectives)[0]?.values).toEqual({ accuracy: 0.9, seconds: 4 });
  });

  it('ranks out-of-bound nodes after feasible ones: by violation when infeasible, by objectives when dominated', () => {
    const bounded: ObjectiveSettings = {
      objectives: [
        { name: 'accuracy', direction: 'maximize', min: 0.5 },
        { name: 'seconds', direction: 'minimize', max: 10 },
      ],
      outOfBounds: 'infeasible',
    };
    const nodes = [
      node(0, { accuracy: 0.6, seconds: 9 }), // feasible, weak
      node(1, { accuracy: 0.4, seconds: 1 }), // violates min by 0.2
      node(2, { accuracy: 0.35, seconds: 30 }), // violates both; dominated by 1
      node(3, { accuracy: 0.3, seconds: 0.5 }), // violates min by 0.4; better objectives than 1 on seconds
    ];
    const infeasible = paretoRanks(nodes, bounded);
    expect(infeasible.map((member) => [member.id, member.rank, member.feasible])).toEqual([
      [0, 0, true],
      [1, 1, false],
      [3, 2, false],
      [2, 3, false],
    ]);
    const dominated = paretoRanks(nodes, { ...bounded, outOfBounds: 'dominated' });
    // Among violators the objectives decide: 1 and 3 trade off, 2 is dominated by 1.
    expect(dominated.map((member) => [member.id, member.rank])).toEqual([
      [0, 0],
      [1, 1],
      [3, 1],
      [2, 2],
    ]);
    // With nothing feasible, the least violation is the front.
    expect(paretoFront(nodes.slice(1), bounded).map((member) => member.id)).toEqual([1]);
  });

  it('keeps a node that is best on any instance on the front, and says which instances it wins', () => {
    const settings: ObjectiveSettings = {
      objectives: [{ name: 'eval_score', direction: 'maximize' }],
      outOfBounds: 'infeasible',
      instances: 'instances',
    };
    const nodes = [
      node(0, summaryMetrics({ eval_score: 0.9, instances: { a: 1, b: 0.5, c: 0.2 } }, ['instances'])),
      node(1, summaryMetrics({ eval_score: 0.5, instances: { a: 0.1, b: 0.1, c: 0.9 } }, ['instances'])),
      node(2, summaryMetrics({ eval_score: 0.4, instances: { a: 0.1, b: 0.5, c: 0.1 } }, ['instances'])),
      node(3, summaryMetrics({ eval_score: 0.1, instances: { a: 0, b: 0, c: 0 } }, ['instances'])),
    ];
    const ranked = paretoRanks(nodes, settings);
    const front = ranked.filter((member) => member.rank === 0).sort((a, b) => a.id - b.id);
    expect(front.map((member) => [member.id, member.winsInstances])).toEqual([
      [0, ['a', 'b']],
      [1, ['c']],
    ]);
    // Node 2 only ties node 0 on b, and node 0 is stronger: it is pruned and ranked by dominance.
    expect(ranked.find((member) => member.id === 2)).toMatchObject({ rank: 2, winsInstances: [] });
    expect(ranked.find((member) => member.id === 3)?.rank).toBe(3);
    expect([...instanceScores(nodes[1]?.metrics ?? {}, settings)]).toEqual([
      ['a', 0.1],
      ['b', 0.1],
      ['c', 0.9],
    ]);
  });

  it('keeps pass/fail ties off the front when a stronger node wins every instance they win', () => {
    const settings: ObjectiveSettings = {
      objectives: [{ name: 'eval_score', direction: 'maximize' }],
      outOfBounds: 'infeasible',
      instances: 'instances',
    };
    const of = (id: number, evalScore: number, instances: Record<string, number>): RankableNode =>
      node(id, summaryMetrics({ eval_score: evalScore, instances }, ['instances']));
    const nodes = [
      // Two nodes that pass only the easy instance, beaten by node 2 everywhere and on eval_score.
      of(0, 0.3, { easy: 1, hard: 0, odd: 0 }),
      of(1, 0.3, { easy: 1, hard: 0, odd: 0 }),
      of(2, 0.6, { easy: 1, hard: 1, odd: 0 }),
      // A specialist: the only one passing `odd`, weaker overall.
      of(3, 0.2, { easy: 0, hard: 0, odd: 1 }),
      // A twin of node 2: of identical nodes the earlier one stays.
      of(4, 0.6, { easy: 1, hard: 1, odd: 0 }),
    ];
    const ranked = paretoRanks(nodes, settings);
    const rankOf = (id: number): number | undefined => ranked.find((member) => member.id === id)?.rank;
    const front = ranked.filter((member) => member.rank === 0).sort((a, b) => a.id - b.id);
    // Node 4 stays on the front only as node 2's equal on eval_score, winning nothing itself.
    expect(front.map((member) => [member.id, member.winsInstances])).toEqual([
      [2, ['easy', 'hard']],
      [3, ['odd']],
      [4, []],
    ]);
    expect([rankOf(0), rankOf(1)]).toEqual([1, 1]);
  });

  it("keeps the instance winners GEPA's repeated lowest-first removal keeps", () => {
    const settings: ObjectiveSettings = {
      objectives: [{ name: 'eval_score', direction: 'maximize' }],
      outOfBounds: 'infeasible',
      instances: 'instances',
    };
    for (let trial = 0; trial < 200; trial++) {
      const random = createRandom(`gepa-prune:${trial}`);
      const entries = Array.from({ length: 2 + random.int(12) }, (_, id) => {
        const instances: Record<string, number> = {};
        for (const name of ['a', 'b', 'c', 'd', 'e']) if (random.next() < 0.8) instances[name] = random.int(2);
        const metrics = summaryMetrics({ eval_score: random.int(3), instances }, ['instances']);
        return rankedEntry(node(id, metrics), settings) as Ranked;
      });
      const tied = tiedInstanceWinners(entries);
      const byId = new Map(entries.map((entry) => [entry.id, entry]));
      // GEPA: sort by aggregate ascending; remove the first winner whose every instance another
      // remaining winner also wins; start over until none is found.
      const ascending = [...tied.keys()].sort((left, right) => {
        const a = byId.get(left) as Ranked;
        const b = byId.get(right) as Ranked;
        return a.instanceMean - b.instanceMean || a.evalScore - b.evalScore || right - left;
      });
      const remaining = new Set(ascending);
      for (let found = true; found;) {
        found = false;
        for (const id of ascending) {
          if (!remaining.has(id)) continue;
          const covered = (tied.get(id) as string[]).every((instance) =>
            [...remaining].some((other) => other !== id && (tied.get(other) as string[]).includes(instance)),
          );
          if (covered) {
            remaining.delete(id);
            found = true;
            break;
          }
        }
      }
      expect([...instanceWinners(entries).keys()].sort((a, b) => a - b)).toEqual([...remaining].sort((a, b) => a - b));
    }
  });

  it('keeps distinct instance specialists on the front whatever their objectives', () => {
    const settings: ObjectiveSettings = {
      objectives: [{ name: 'eval_score', direction: 'maximize' }],
      outOfBounds: 'infeasible',
      instances: 'instances',
    };
    const nodes = [0, 1, 2].map((id) =>
      node(
        id,
        summaryMetrics(
          { eval_score: id, instances: { a: id === 0 ? 1 : 0, b: id === 1 ? 1 : 0, c: id === 2 ? 1 : 0 } },
          ['instances'],
        ),
      ),
    );
    const front = paretoRanks(nodes, settings).filter((member) => member.rank === 0);
    expect(front.map((member) => [member.id, member.winsInstances]).sort()).toEqual([
      [0, ['a']],
      [1, ['b']],
      [2, ['c']],
    ]);
  });

  it('measures crowding on values near the largest double without overflowing to NaN', () => {
    const settings: ObjectiveSettings = {
      objectives: [
        { name: 'a', direction: 'maximize' },
        { name: 'b', direction: 'minimize' },
      ],
      outOfBounds: 'infeasible',
    };
    const huge = [1e308, 0, -1e308, 5e307].map((value, id) => node(id, { a: value, b: value }));
    const crowding = new Map(paretoRanks(huge, settings).map((member) => [member.id, member.crowding]));
    expect(crowding.get(0)).toBe(Infinity);
    expect(crowding.get(2)).toBe(Infinity);
    // Each middle node's neighbours span a quarter or three quarters of the range, on both objectives.
    expect(crowding.get(1)).toBeCloseTo(1.5, 10);
    expect(crowding.get(3)).toBeCloseTo(1, 10);
  });

  it('flattens the named objects of numbers one level into dotted metrics, top-level keys first', () => {
    const results = { eval_score: 1, 'x.a': 7, x: { a: 1, b: 2, c: 'no', d: { deep: 1 } }, y: { a: 1 }, list: [1, 2] };
    expect(summaryMetrics(results, ['x', 'list', 'absent'])).toEqual({ eval_score: 1, 'x.a': 7, 'x.b': 2 });
    expect(summaryMetrics(results)).toEqual({ eval_score: 1, 'x.a': 7 });
  });

  it('compares two value sets on the objectives in their directions', () => {
    const objectives = twoObjectives.objectives;
    expect(dominatesOnObjectives({ accuracy: 1, seconds: 1 }, { accuracy: 0.5, seconds: 1 }, objectives)).toBe(true);
    expect(dominatesOnObjectives({ accuracy: 1, seconds: 2 }, { accuracy: 0.5, seconds: 1 }, objectives)).toBe(false);
    expect(dominatesOnObjectives({ accuracy: 1, seconds: 1 }, { accuracy: 1, seconds: 1 }, objectives)).toBe(false);
    expect(dominatesOnObjectives({ accuracy: 1 }, { accuracy: 0.5, seconds: 1 }, objectives)).toBe(false);
  });

  it('ranks as the definition says: a node of rank k is dominated by one of rank k − 1 and by none of rank k or more', () => {
    for (const outOfBounds of ['infeasible', 'dominated'] as const) {
      for (let trial = 0; trial < 20; trial++) {
        const random = createRandom(`ranks:${outOfBounds}:${trial}`);
        const settings: ObjectiveSettings = {
          objectives: [
            { name: 'a', direction: 'maximize', min: 2 },
            { name: 'b', direction: 'minimize' },
            { name: 'c', direction: 'maximize', max: 8 },
          ].slice(0, 2 + (trial % 2)) as ObjectiveSettings['objectives'],
          outOfBounds,
        };
        // Coarse values: many ties and duplicates.
        const nodes = Array.from({ length: 60 }, (_, id) =>
          node(id, { a: random.int(10), b: random.int(10), c: random.int(10) }),
        );
        const ranked = paretoRanks(nodes, settings);
        const rankOf = new Map(ranked.map((member) => [member.id, member]));
        const violation = (id: number): number => {
          const values = nodes[id]!.metrics;
          let sum = 0;
          for (const objective of settings.objectives) {
            const value = values[objective.name]!;
            if (objective.min !== undefined && value < objective.min)
              sum += (objective.min - value) / Math.max(Math.abs(objective.min), 1);
            if (objective.max !== undefined && value > objective.max)
              sum += (value - objective.max) / Math.max(Math.abs(objective.max), 1);
          }
          return sum;
        };
        const beats = (left: number, right: number): boolean => {
          const [vl, vr] = [violation(left), violation(right)];
          if ((vl === 0) !== (vr === 0)) return vl === 0;
          if (vl > 0 && outOfBounds === 'infeasible') return vl < vr;
          return dominatesOnObjectives(nodes[left]!.metrics, nodes[right]!.metrics, settings.objectives);
        };
        for (const member of ranked) {
          expect(member.feasible).toBe(violation(member.id) === 0);
          const dominators = ranked.filter((other) => beats(other.id, member.id));
          expect(dominators.every((other) => other.rank < member.rank)).toBe(true);
          if (member.rank > 0) expect(dominators.some((other) => other.rank === member.rank - 1)).toBe(true);
        }
        expect(rankOf.size).toBe(60);
      }
    }
  });
});
