import { describe, expect, it } from 'vitest';
import { createRandom } from '../random.js';
import { createCandidatePoolPolicy } from './candidate-pool.js';
import type { SampleableNode, SamplingPolicy } from './policy.js';
import { makeNode, runPolicyCases } from './policy.case.test.js';

runPolicyCases('pool', ({ allowFailed }) =>
  createCandidatePoolPolicy({ poolSize: 5, refreshInterval: 3, parentTopK: 2, allowFailed }),
);

describe('candidate pool', () => {
  function add(policy: SamplingPolicy, nodes: SampleableNode[], node: SampleableNode): void {
    nodes.push(node);
    policy.observe(node);
  }

  it('refreshes exactly every R observed nodes', () => {
    const policy = createCandidatePoolPolicy({ poolSize: 2, refreshInterval: 3, parentTopK: 1 });
    const nodes: SampleableNode[] = [];
    add(policy, nodes, makeNode({ id: 0, score: 1 }));
    add(policy, nodes, makeNode({ id: 1, score: 2 }));
    const parent = (): number | undefined => policy.select({ n: 1, random: createRandom(1) }).parent?.id;
    expect(parent()).toBe(1); // the first select fills the pool

    add(policy, nodes, makeNode({ id: 2, score: 10 }));
    expect(parent()).toBe(1);
    add(policy, nodes, makeNode({ id: 3, score: 0 }));
    expect(parent()).toBe(1);
    add(policy, nodes, makeNode({ id: 4, score: 0 }));
    expect(parent()).toBe(2); // third new node: refreshed

    add(policy, nodes, makeNode({ id: 5, score: 20 }));
    add(policy, nodes, makeNode({ id: 6, score: 0 }));
    expect(parent()).toBe(2);
    add(policy, nodes, makeNode({ id: 7, score: 0, success: false }));
    expect(parent()).toBe(5); // failed nodes count as observed too
  });

  it('ignores nodes it already observed (resume re-observes stored nodes)', () => {
    const policy = createCandidatePoolPolicy({ poolSize: 2, refreshInterval: 2, parentTopK: 1 });
    const nodes = [makeNode({ id: 0, score: 1 })];
    policy.observe(nodes[0] as SampleableNode);
    expect(policy.select({ n: 1, random: createRandom(1) }).parent?.id).toBe(0);
    add(policy, nodes, makeNode({ id: 1, score: 5 }));
    for (const node of nodes) policy.observe(node);
    expect(policy.select({ n: 1, random: createRandom(1) }).parent?.id).toBe(0);
  });

  it('draws the parent from the top k and references from the whole pool only', () => {
    const nodes = Array.from({ length: 15 }, (_, id) => makeNode({ id, score: id }));
    const policy = createCandidatePoolPolicy({ poolSize: 10, refreshInterval: 100, parentTopK: 3 });
    for (const node of nodes) policy.observe(node);
    const parents = new Set<number>();
    const references = new Set<number>();
    for (let seed = 0; seed < 300; seed++) {
      const selection = policy.select({ n: 4, random: createRandom(seed) });
      expect(selection.context).toHaveLength(4);
      parents.add(selection.parent?.id ?? -1);
      for (const node of selection.context.slice(1)) references.add(node.id);
    }
    expect(parents).toEqual(new Set([14, 13, 12]));
    expect(references).toEqual(new Set([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]));
  });

  it('refreshes at once when no pool member can be sampled any more', () => {
    const policy = createCandidatePoolPolicy({ poolSize: 1, refreshInterval: 50, parentTopK: 1 });
    policy.observe(makeNode({ id: 0, score: 1 }));
    expect(policy.select({ n: 1, random: createRandom(1) }).parent?.id).toBe(0);
    // Node 0 was evicted from the store; node 1 arrived.
    policy.forget(0);
    policy.observe(makeNode({ id: 1, score: 0.5 }));
    expect(policy.select({ n: 1, random: createRandom(1) }).parent?.id).toBe(1);
  });

  it('rejects a pool size that is not a positive integer', () => {
    expect(() => createCandidatePoolPolicy({ poolSize: 0 })).toThrow('Expected `poolSize` to be a positive integer');
  });
});
